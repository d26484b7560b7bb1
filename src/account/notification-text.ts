import { utcDay } from '../domain/notification-groups.ts';
import type { Notification } from '../domain/types.ts';
import { formatDateTime, formatDay, plural } from '../http/format.ts';

const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));
/** "Chrome 142 on Linux"-style summary; the full user agent is too long to read and was cut mid-word. */
function browserName(ua: string): string {
  const found = [['Edge', /Edg\/(\d+)/], ['Firefox', /Firefox\/(\d+)/], ['Chrome', /Chrome\/(\d+)/], ['Safari', /Version\/(\d+).*Safari/]] as const;
  const os = /(Windows|Android|iPhone|iPad|Mac OS X|Linux)/.exec(ua)?.[1];
  for (const [name, re] of found) {
    const m = re.exec(ua);
    if (m) return `${ua.includes('Headless') ? 'headless ' : ''}${name} ${m[1]}${os ? ` on ${os === 'Mac OS X' ? 'macOS' : os}` : ''}`;
  }
  return ua.slice(0, 60) || 'unknown browser';
}

/** What each notification says to a person (`fmt` writes its moments: plain text by default, <time> in pages via textToHtml). */
export function describe(n: Notification, fmt: (d: Date) => string = formatDateTime): { title: string; text: string } {
  const d = n.data;
  const when = (v: unknown) => (v ? fmt(new Date(String(v))) : '');
  switch (n.kind) {
    case 'password-accepted': {
      const from = `From ${s(d.ip)} (${browserName(s(d.userAgent))}) at ${when(d.at)}.`;
      if (d.newBrowser === true) return { title: `Your password was used in a new browser${typeof d.code === 'string' ? ': here is your sign-in code' : ''}`, text: `${from} If this wasn't you, ${typeof d.code === 'string' ? 'don\'t share the code and ' : ''}tell your administrator now: someone may know your password.` };
      if (typeof d.code === 'string') return { title: 'Your password was used: here is your sign-in code', text: `${from} If this wasn't you, don't share the code and tell your administrator now.` };
      return { title: 'Your password was used to sign in', text: `${from} A browser you have used before.` };
    }
    case 'two-factor-enabled': return { title: 'Two-step sign-in turned on', text: `At ${when(d.at)}.` };
    case 'two-factor-disabled': return { title: 'Two-step sign-in turned off', text: `At ${when(d.at)}. If this wasn't you, contact your administrator now.` };
    case 'two-factor-reset': return { title: 'Your two-step sign-in was reset by an administrator', text: `You will be asked to set it up again at your next sign-in.` };
    case 'device-changed': return { title: 'New authenticator device confirmed', text: `At ${when(d.at)}. Codes from your old phone no longer work.` };
    case 'recovery-code-used': return { title: 'A recovery code was used', text: `${d.ip ? `From ${s(d.ip)} at` : 'At'} ${when(d.at)}. ${plural(Number(d.remaining ?? 0), 'recovery code')} left.` };
    case 'recovery-codes-regenerated': return { title: 'New recovery codes generated', text: 'Your old recovery codes no longer work.' };
    case 'recovery-codes-low': return { title: 'Few recovery codes left', text: `Only ${s(d.remaining)} left. Generate new ones under Security.` };
    case 'second-factor-locked': return { title: 'Too many wrong codes', text: `Sign-in codes for your account are paused until ${when(d.until)}. If this wasn't you, tell your administrator now: someone may know your password.` };
    case 'deadline-approaching': return { title: 'Set up two-step sign-in soon', text: `Your administrator requires it by ${when(d.deadline)}.` };
    case 'sign-in-denied': return { title: 'Sign-in blocked', text: `Your deadline to set up two-step sign-in ended on ${when(d.deadline)}. Ask your administrator for more time.` };
    case 'more-time-requested': return { title: 'An employee asks for more time', text: `${s(d.name) ? `${s(d.name)} (${s(d.login)})` : s(d.login)} is blocked without two-step sign-in and asked for more time to set it up. Extend their deadline under Admin › Employees.` };
    case 'password-locked': return { title: 'Sign-in paused after wrong passwords', text: `Too many wrong passwords for your account. Sign-in is paused until ${when(d.until)}. If this wasn't you, tell your administrator now.` };
    case 'password-changed': return { title: 'Your password was changed', text: `At ${when(d.at)}${d.ip ? ` from ${s(d.ip)}` : ''}. Other sign-ins to your account were ended. If this wasn't you, tell your administrator now.` };
    case 'user-denied-after-deadline': return { title: 'An employee was blocked', text: `${s(d.login)} tried to sign in without two-step sign-in after their deadline.` };
  }
}

/** The line for a group of repeats: "Your password was used 4 times today". */
export function describeGroup(n: Notification, count: number, now: Date, fmt: (d: Date) => string = formatDateTime): { title: string; text: string } {
  const one = describe(n, fmt);
  if (count === 1) return one;
  const today = utcDay(n.createdAt) === utcDay(now);
  return { title: `Your password was used ${count} times ${today ? 'today' : `on ${formatDay(n.createdAt)}`}`, text: `Latest: ${one.text.replace(/^From/, 'from')}` };
}
