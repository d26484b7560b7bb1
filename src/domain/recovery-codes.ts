import { createHmac } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
/** Warn at sign-in when this many or fewer remain. */
export const LOW_RECOVERY_CODES = 2;
/** 12 Crockford base32 characters = 60 bits each (the issue asks for at least 50). */
const CODE_LENGTH = 12;
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** Codes such as "7k2m-q9xd-4hta": lower case, grouped, no ambiguous letters (i, l, o, u). */
export function generateRecoveryCodes(random: (n: number) => Uint8Array, count = RECOVERY_CODE_COUNT): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    // Each byte's low 5 bits pick a symbol: 32 symbols divide 256 evenly, so there is no bias.
    const chars = Array.from(random(CODE_LENGTH), (b) => CROCKFORD[b & 31]).join('');
    codes.add(chars.match(/.{4}/g)!.join('-'));
  }
  return [...codes];
}

/**
 * What people type: any case, spaces or dashes, and the letters Crockford base32 maps
 * (o→0, i/l→1). Returns the 12 bare characters, or null when it cannot be a recovery code.
 */
export function normaliseRecoveryCode(raw: string): string | null {
  if (raw.length > 64) return null;
  const bare = raw.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
  if (bare.length !== CODE_LENGTH) return null;
  for (const c of bare) if (!CROCKFORD.includes(c)) return null;
  return bare;
}

/** Stored form: HMAC-SHA256 with a server-side pepper, so a database dump alone cannot test guesses. */
export function hashRecoveryCode(normalised: string, pepper: string): string {
  return createHmac('sha256', pepper).update(normalised).digest('hex');
}

/** The codes as the page's Copy button and download give them. */
export function recoveryCodesText(productName: string, login: string, codes: string[]): string {
  return `${productName} recovery codes for ${login}\n\n${codes.join('\n')}\n`;
}

/** Said when "I have saved my recovery codes" was not ticked. */
export const CODES_SAVED_REQUIRED = 'Tick "I have saved my recovery codes" to finish.';
