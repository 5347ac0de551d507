import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import type { NcStatus } from '../../domain/services/pin-send-service.ts';

/**
 * Number lookup before an SMS (`ncNeeded`, Infobip's "Number Context"):
 *   builtin: libphonenumber-js — an impossible number (wrong length for its country, unknown
 *            country code) is NC_DESTINATION_NOT_REACHABLE and gets no SMS; any other is
 *            NC_DESTINATION_UNKNOWN (a library cannot know whether a handset is reachable);
 *   http:    an HLR service of the operator's: POST {"to": "<digits>"} → {"status": "NC_…"};
 *            a failure or timeout answers NC_DESTINATION_UNKNOWN and the SMS is still sent;
 *   none:    NC_NOT_CONFIGURED, the SMS is sent.
 */
export const numberLookupSchema = z.discriminatedUnion('provider', [
  z.strictObject({ provider: z.literal('builtin') }),
  z.strictObject({ provider: z.literal('none') }),
  z.strictObject({ provider: z.literal('http'), url: z.string().regex(/^https?:\/\//, 'must be an http(s) URL'), timeoutMs: z.number().int().min(50).max(30_000).default(2000) }),
]);
export type NumberLookupConfig = z.infer<typeof numberLookupSchema>;

const NC_STATUSES = new Set<NcStatus>(['NC_DESTINATION_UNKNOWN', 'NC_DESTINATION_REACHABLE', 'NC_DESTINATION_NOT_REACHABLE', 'NC_NOT_CONFIGURED']);

export function builtinLookup(to: string): NcStatus {
  const parsed = parsePhoneNumberFromString(`+${to}`);
  return parsed?.isPossible() ? 'NC_DESTINATION_UNKNOWN' : 'NC_DESTINATION_NOT_REACHABLE';
}

export function createNumberLookup(config: NumberLookupConfig): (to: string) => Promise<NcStatus> {
  switch (config.provider) {
    case 'none': return async () => 'NC_NOT_CONFIGURED';
    case 'builtin': return async (to) => builtinLookup(to);
    case 'http': return async (to) => {
      try {
        const res = await fetch(config.url, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ to }),
          signal: AbortSignal.timeout(config.timeoutMs),
        });
        const body = (await res.json()) as { status?: string };
        return res.ok && NC_STATUSES.has(body.status as NcStatus) ? (body.status as NcStatus) : 'NC_DESTINATION_UNKNOWN';
      } catch {
        return 'NC_DESTINATION_UNKNOWN';
      }
    };
  }
}
