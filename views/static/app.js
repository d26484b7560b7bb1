// Progressive enhancement only: every page works without it.
// A page answered in place of a redirect (the login page for an authorization request) or to a
// form (the code page after the password) shows the address that shows it again: a reload asks
// for that page instead of repeating the request or sending the password again.
const pageUrl = document.querySelector('meta[name="page-url"]')?.content;
if (pageUrl && /^\/(?!\/)/.test(pageUrl)) { try { history.replaceState(null, '', pageUrl); } catch { /* the page still works */ } }
document.querySelectorAll('form[data-confirm]').forEach((f) => f.addEventListener('submit', (e) => { if (!window.confirm(f.dataset.confirm)) e.preventDefault(); }));
document.querySelectorAll('[data-print]').forEach((el) => el.addEventListener('click', (e) => { e.preventDefault(); window.print(); }));
document.querySelectorAll('input.code').forEach((el) => {
  // A code is sent once: a second Enter or click would spend a try of the failure budget.
  el.form?.addEventListener('submit', (e) => { if (el.form.dataset.sent) e.preventDefault(); el.form.dataset.sent = '1'; });
  el.addEventListener('input', () => {
    // Only a clean 6-digit code submits itself (pages that also take 8-digit codes don't set data-autosubmit).
    if (el.dataset.autosubmit !== undefined && /^\d{6}$/.test(el.value) && el.form && !el.form.dataset.sent) el.form.requestSubmit();
  });
});
const unread = document.querySelector('[data-unread]');
if (unread && window.EventSource) {
  const es = new EventSource('/account/notifications/stream');
  const news = document.getElementById('live-news');
  es.addEventListener('unread', (e) => {
    if (news && Number(e.data) > Number(unread.textContent)) news.hidden = false;
    unread.textContent = e.data; unread.hidden = e.data === '0';
    const label = document.querySelector('[data-unread-label]');
    if (label) label.hidden = unread.hidden;
  });
}
// Copy buttons (the setup key, recovery codes): shown only where the clipboard can be written.
document.querySelectorAll('button[data-copy]').forEach((btn) => {
  if (!navigator.clipboard || !window.isSecureContext) return;
  btn.hidden = false;
  const label = btn.textContent;
  btn.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(btn.dataset.copy);
      btn.textContent = btn.dataset.copiedLabel || 'Copied';
      btn.setAttribute('aria-live', 'polite');
      btn.dataset.copied = '1';
      setTimeout(() => { btn.textContent = label; }, 3000);
    } catch { btn.textContent = 'Select and copy it by hand'; }
  });
});
// Moments are written in UTC ("2 Dec 2026, 13:26 UTC", also the tooltip); show them in the viewer's own zone, same shape.
try {
  const local = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
  document.querySelectorAll('time[data-local]').forEach((t) => {
    const d = new Date(t.dateTime);
    if (!Number.isNaN(d.getTime())) t.textContent = local.format(d);
  });
} catch { /* an old browser keeps the UTC text */ }
