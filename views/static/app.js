// Progressive enhancement only: every page works without it.
document.querySelectorAll('[data-print]').forEach((el) => el.addEventListener('click', (e) => { e.preventDefault(); window.print(); }));
document.querySelectorAll('input.code').forEach((el) => el.addEventListener('input', () => {
  const digits = el.value.replace(/\D/g, '');
  if (el.dataset.autosubmit !== undefined && (digits.length === 6 || digits.length === 8) && el.form && !el.form.dataset.sent && digits.length === el.value.length) {
    // Only auto-submit a clean 6-digit code, once.
    if (digits.length === 6) { el.form.dataset.sent = '1'; el.form.requestSubmit(); }
  }
}));
const unread = document.querySelector('[data-unread]');
if (unread && window.EventSource) {
  const es = new EventSource('/account/notifications/stream');
  es.addEventListener('unread', (e) => { unread.textContent = e.data; unread.hidden = e.data === '0'; });
}
