const dateFmt = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });
const dateTimeFmt = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

export const formatDate = (d: Date) => dateFmt.format(d);
export const formatDateTime = (d: Date) => `${dateTimeFmt.format(d)} UTC`;

/** A moment soon: "in 15 minutes (14:51 UTC)", easier than a UTC time alone; later ones as a date and time. */
export function formatSoon(d: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((d.getTime() - now.getTime()) / 60_000));
  if (minutes > 120) return formatDateTime(d);
  return `in ${minutes} minute${minutes === 1 ? '' : 's'} (${d.toISOString().slice(11, 16)} UTC)`;
}
