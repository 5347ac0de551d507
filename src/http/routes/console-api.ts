import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { STATS_RANGE_NAMES, type StatsRange } from '../../console/console-stats.ts';
import type { ConsoleService } from '../../console/console-service.ts';
import { principalOf } from '../auth.ts';
import { parse, type HttpServices } from './route-helpers.ts';

const limit = (max: number, fallback: number) => z.coerce.number().int().min(1, `must be 1 to ${max}`).max(max, `must be 1 to ${max}`).default(fallback);

const statsQuery = z.object({
  range: z.enum(STATS_RANGE_NAMES as [StatsRange, ...StatsRange[]], { error: `must be one of ${STATS_RANGE_NAMES.join(', ')}` }).default('24h'),
});
const pinsQuery = z.object({
  limit: limit(200, 50),
  before: z.string().datetime({ offset: true, error: 'must be an ISO 8601 time, e.g. the createdAt of the last PIN shown' })
    .transform((v) => Date.parse(v)).optional(),
});
const listQuery = z.object({ limit: limit(200, 20) });
const previewQuery = z.object({ pin: z.string().max(16, 'must be 1 to 16 letters or digits').optional() });

type TemplateParams = { appId: string; msgId: string };

/** Metadata for the OpenAPI document (generated from route schemas); requests are validated by the zod schemas above. */
const doc = (operationId: string, summary: string, description: string) =>
  ({ schema: { tags: ['Console'], operationId, summary, description: `Extension (web console). ${description}` } });

/**
 * The web console's own JSON endpoints (docs/console.md): what Infobip's endpoints do not give.
 * Same keys and auth hook as the API: 2fa:manage, answers for the key's account only.
 * Applications and templates are edited through Infobip's endpoints, with their validation.
 */
export function registerConsoleApiRoutes(app: FastifyInstance, s: HttpServices & { console: ConsoleService }): void {
  const manage = { config: { access: 'manage' as const } };
  const c = s.console;

  app.get('/console/1/session', {
    ...manage, ...doc('console-get-session', 'Who is signed in', 'The account and key behind the Authorization header, the delivery channels (sandbox or configured), and the languages and PIN types a template may use. The console signs in by calling this: a key without 2fa:manage gets 403.'),
  }, async (req) => c.session(principalOf(req)));

  app.get('/console/1/stats', {
    ...manage, ...doc('console-get-stats', 'Dashboard statistics', 'For PINs sent in the range (1h, 24h, 7d or 30d, ending with the current bucket): PINs sent and verified per bucket, the verification conversion rate, deliveries by channel and status (call outcomes), and a histogram of the time from send to verify.'),
  }, async (req) => {
    const q = parse(statsQuery, req.query, 'querystring');
    return c.stats(principalOf(req).accountId, q.range);
  });

  app.get('/console/1/pins', {
    ...manage, ...doc('console-list-pins', 'Recent PINs', "The account's newest PINs with their state and every delivery's status, newest first; `before` pages back. Never the PIN itself."),
  }, async (req) => {
    const q = parse(pinsQuery, req.query, 'querystring');
    return c.recentPins(principalOf(req).accountId, q.limit, q.before);
  });

  app.get('/console/1/sandbox/messages', {
    ...manage, ...doc('console-list-sandbox-messages', 'Recent sandbox captures', 'What the sandbox captured for the account, to any destination, newest first: the same fields as GET /sandbox/1/messages, with a signed audioUrl for calls.'),
  }, async (req) => {
    const q = parse(listQuery, req.query, 'querystring');
    const messages = await s.sandbox.recent(principalOf(req).accountId, q.limit);
    const base = `${req.protocol}://${req.headers.host ?? 'localhost'}`;
    return { messages: messages.map(({ audioFile, ...m }) => ({ ...m, ...(audioFile ? { audioUrl: s.audio.urlFor(m.deliveryId, base) } : {}) })) };
  });

  app.get('/console/1/credits', {
    ...manage, ...doc('console-get-credits', 'Credits and charges', 'The credit balance (null = unlimited) and the latest charged deliveries, newest first.'),
  }, async (req) => {
    const q = parse(listQuery, req.query, 'querystring');
    return c.credits(principalOf(req).accountId, q.limit);
  });

  app.get<{ Params: TemplateParams }>('/console/1/applications/:appId/messages/:msgId/preview', {
    ...manage, ...doc('console-preview-template', 'Template preview', 'What an SMS/voice template sends for a sample PIN (`pin`, default 1234… of the template\'s type and length): the SMS text with its encoding (GSM7 or UCS2) and part count, and the language, voice and speech rate of a call. The audio is at …/preview.wav.'),
  }, async (req) => {
    const q = parse(previewQuery, req.query, 'querystring');
    return c.preview(principalOf(req).accountId, req.params.appId, req.params.msgId, q);
  });

  app.get<{ Params: TemplateParams }>('/console/1/applications/:appId/messages/:msgId/preview.wav', {
    ...manage, ...doc('console-preview-template-audio', 'Template preview audio', 'A WAV (8 kHz, 16-bit mono) of exactly what a call with this template plays for the sample PIN: the voice channel\'s renderer, through G.711 µ-law and back, like the sandbox\'s recordings.'),
  }, async (req, reply) => {
    const q = parse(previewQuery, req.query, 'querystring');
    const { wav, durationMs } = await c.previewAudio(principalOf(req).accountId, req.params.appId, req.params.msgId, q);
    return reply.type('audio/wav').header('x-audio-duration-ms', String(Math.round(durationMs))).send(wav);
  });
}
