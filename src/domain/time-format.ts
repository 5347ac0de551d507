/**
 * Infobip's time and limit strings (reference §3.1, §3.2):
 *   time  = [length]unit          e.g. "15m", "ms", "2h"   (length defaults to 1)
 *   limit = attempts/[length]unit e.g. "3/1d", "1/3s"
 * Units: ms, s, m, h, d. `ms` must be tried before `m`, which the regular expressions do by
 * listing it first. We keep the caller's string as given and only parse it to milliseconds.
 */
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const TIME = /^(\d{1,12})?(ms|s|m|h|d)$/;
const LIMIT = /^(\d{1,9})\/(\d{1,12})?(ms|s|m|h|d)$/;

export const ONE_DAY_MS = UNIT_MS.d;
export const ONE_YEAR_MS = 365 * UNIT_MS.d;

export interface Limit {
  attempts: number;
  periodMs: number;
}

/** Parses "15m" → 900000. Returns an error text that tells the caller what to send instead. */
export function parseDuration(value: string, maxMs: number): number | { error: string } {
  const m = TIME.exec(value);
  if (!m) return { error: `"${clip(value)}" is not a time: use {length}{unit} with unit ms, s, m, h or d, e.g. "15m"` };
  const ms = Number(m[1] ?? '1') * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  if (ms <= 0) return { error: `"${value}" must be longer than zero` };
  if (ms > maxMs) return { error: `"${value}" is longer than the maximum of ${describeMax(maxMs)}` };
  return ms;
}

/** Parses "3/1d" → { attempts: 3, periodMs: 86400000 }. */
export function parseLimit(value: string, maxPeriodMs: number): Limit | { error: string } {
  const m = LIMIT.exec(value);
  if (!m) return { error: `"${clip(value)}" is not a limit: use {attempts}/{length}{unit} with unit ms, s, m, h or d, e.g. "3/1d"` };
  const attempts = Number(m[1]);
  if (attempts < 1) return { error: `"${value}" must allow at least 1 attempt` };
  const periodMs = Number(m[2] ?? '1') * UNIT_MS[m[3] as keyof typeof UNIT_MS];
  if (periodMs <= 0) return { error: `"${value}" needs a period longer than zero` };
  if (periodMs > maxPeriodMs) return { error: `"${value}" has a period longer than the maximum of ${describeMax(maxPeriodMs)}` };
  return { attempts, periodMs };
}

/** For values already validated on the way in (stored configuration). */
export function durationMs(value: string): number {
  const parsed = parseDuration(value, Number.MAX_SAFE_INTEGER);
  if (typeof parsed !== 'number') throw new Error(parsed.error);
  return parsed;
}

export function limitOf(value: string): Limit {
  const parsed = parseLimit(value, Number.MAX_SAFE_INTEGER);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
}

function describeMax(ms: number): string {
  return ms === ONE_YEAR_MS ? 'one year (365d)' : ms === ONE_DAY_MS ? 'one day (1d)' : `${ms}ms`;
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
