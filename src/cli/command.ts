import type { ParseArgsConfig } from 'node:util';
import { DomainError } from '../domain/errors.ts';
import type { Deps } from '../ports/deps.ts';

export type Values = Record<string, string | boolean | undefined>;
export interface Command { summary: string; options: NonNullable<ParseArgsConfig['options']>; run(deps: Deps, v: Values): Promise<void> }

/** Who the audit trail names for what the command line does. */
export const CLI_ACTOR = `cli:${process.env.USER ?? 'unknown'}`;
export const str = { type: 'string' as const };
export const flag = { type: 'boolean' as const };

export function need(v: Values, key: string): string {
  const value = v[key];
  if (typeof value !== 'string' || !value) throw new DomainError('missing_option', `--${key} is required.`);
  return value;
}

/** A whole number option from `min` to `max`, or `fallback` when not given. */
export function wholeNumber(v: Values, key: string, min: number, max: number, fallback?: number): number {
  const raw = v[key];
  if (raw === undefined && fallback !== undefined) return fallback;
  const n = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= min && n <= max)) throw new DomainError('bad_number', `--${key} must be a whole number from ${min} to ${max}.`);
  return n;
}
