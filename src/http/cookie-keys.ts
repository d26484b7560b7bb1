import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * The signer koa's cookies use for signed cookies (`app.keys`), with the same signatures as the
 * `keygrip` package koa would build per request (HMAC-SHA1, base64url, first key signs, any key
 * verifies: rotation), so cookies set before still verify. Two differences, both for the
 * profile of a sign-in (issue 15, ~4 signed cookies read per request): the keys are imported once,
 * and a signature is compared with crypto.timingSafeEqual instead of tsscmp's random key and two
 * more HMACs per comparison.
 */
export interface CookieSigner {
  sign(data: string): string;
  verify(data: string, digest: string): boolean;
  index(data: string, digest: string): number;
}

export function cookieSigner(keys: string[]): CookieSigner {
  if (keys.length === 0) throw new Error('Keys must be provided.');
  const secrets: KeyObject[] = keys.map((k) => createSecretKey(Buffer.from(k, 'utf8')));
  const sign = (data: string, key: KeyObject) => createHmac('sha1', key).update(data).digest('base64url');
  const index = (data: string, digest: string): number => {
    const given = Buffer.from(String(digest));
    for (let i = 0; i < secrets.length; i++) {
      const expected = Buffer.from(sign(data, secrets[i]!));
      if (given.length === expected.length && timingSafeEqual(given, expected)) return i;
    }
    return -1;
  };
  return { sign: (data) => sign(data, secrets[0]!), verify: (data, digest) => index(data, digest) > -1, index };
}
