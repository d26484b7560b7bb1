import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

/** NIST SP 800-63B 3.1.1.2: at least 8 characters, at least 64 allowed; 256 caps the hashing and checking cost. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;
/** zxcvbn score 0..4; 3 = "safely unguessable: moderate protection from offline slow-hash scenario". */
const PASSWORD_MIN_SCORE = 3;

export type PasswordVerdict = { ok: true } | { ok: false; reason: string };

let checker: ZxcvbnFactory | null = null;
/** Built on first use: loading the dictionaries takes ~50 ms, which no other page should pay. */
function zxcvbn(): ZxcvbnFactory {
  checker ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return checker;
}

/** zxcvbn's warning keys, in our words (the library returns keys without a translation pack). */
const WARNINGS: Record<string, string> = {
  topTen: 'This is one of the most used passwords.',
  topHundred: 'This is a very commonly used password.',
  common: 'This is a commonly used password.',
  similarToCommon: 'This is too close to a commonly used password.',
  wordByItself: 'A single word is easy to guess.',
  namesByThemselves: 'Names on their own are easy to guess.',
  commonNames: 'Common names are easy to guess.',
  userInputs: 'It contains your name, e-mail or this site\'s name.',
  straightRow: 'A row of keys on the keyboard is easy to guess.',
  keyPattern: 'A keyboard pattern is easy to guess.',
  simpleRepeat: 'Repeated characters like "aaa" are easy to guess.',
  extendedRepeat: 'Repeated patterns like "abcabc" are easy to guess.',
  sequences: 'Sequences like "abc" or "6543" are easy to guess.',
  recentYears: 'Recent years are easy to guess.',
  dates: 'Dates are easy to guess.',
  pwned: 'This password has appeared in data breaches.',
};

/**
 * Whether a new password may be used: length within NIST's bounds, and not guessable from
 * common-password lists, keyboard patterns, repeats, dates or the person's own details
 * (`personal`: login, name, product name), judged by zxcvbn's score.
 */
export function judgeNewPassword(password: string, personal: string[] = []): PasswordVerdict {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return { ok: false, reason: `Use at least ${PASSWORD_MIN_LENGTH} characters.` };
  if (length > PASSWORD_MAX_LENGTH) return { ok: false, reason: `Use at most ${PASSWORD_MAX_LENGTH} characters.` };
  const inputs = personal.flatMap((p) => [p, ...p.toLowerCase().split(/[^a-z0-9]+/)]).filter((p) => p.length >= 3);
  const result = zxcvbn().check(password, inputs);
  if (result.score >= PASSWORD_MIN_SCORE) return { ok: true };
  const why = (result.feedback.warning && WARNINGS[result.feedback.warning]) || 'It would be easy to guess.';
  return { ok: false, reason: `Choose a stronger password. ${why} A few unrelated words together work well.` };
}
