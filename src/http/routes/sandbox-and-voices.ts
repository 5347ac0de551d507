import { createReadStream, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DomainError, notFound } from '../../domain/errors.ts';
import { LANGUAGES, normalizeLanguage } from '../../domain/languages.ts';
import { voicesFor } from '../../domain/voice-catalog.ts';
import { principalOf } from '../auth.ts';
import { sandboxDocs, voiceDocs } from '../openapi/docs-extensions.ts';
import { emailAddress, phoneNumber } from '../schemas.ts';
import { parse, type HttpServices } from './route-helpers.ts';

const sandboxQuery = z.object({
  to: z.string().trim().min(1, 'is required: the phone number or email address the PINs were sent to')
    .pipe(z.union([phoneNumber, emailAddress], { error: 'must be a phone number (7 to 15 digits) or an email address' })),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
const sandboxMessagesDocs = sandboxDocs.messages(sandboxQuery);

/** Extensions: the sandbox inbox and its audio, and Infobip's Voice API voice list. */
export function registerSandboxAndVoiceRoutes(app: FastifyInstance, s: HttpServices): void {
  app.get('/sandbox/1/messages', { config: { access: 'any' }, schema: sandboxMessagesDocs }, async (req) => {
    const q = parse(sandboxQuery, req.query, 'querystring');
    const messages = await s.sandbox.list(principalOf(req).accountId, q.to, q.limit);
    // Without a configured publicUrl, links point back at the host the caller used.
    const base = `${req.protocol}://${req.headers.host ?? 'localhost'}`;
    return {
      messages: messages.map(({ audioFile, ...m }) => ({ ...m, ...(audioFile ? { audioUrl: s.audio.urlFor(m.deliveryId, base) } : {}) })),
    };
  });

  // The audio element of a browser cannot send an Authorization header, so the URL carries a
  // signed token; an API key of the owning account works as well.
  app.get<{ Params: { file: string }; Querystring: { token?: string } }>('/sandbox/1/audio/:file', { config: { access: 'public' }, schema: sandboxDocs.audio }, async (req, reply) => {
    const deliveryId = basename(req.params.file, '.wav');
    if (!/^[0-9A-F]{32}$/.test(deliveryId)) throw notFound('No such recording');
    if (!s.audio.verifyToken(deliveryId, req.query.token)) {
      throw new DomainError('UNAUTHORIZED', 'The audio link is invalid or expired; take a fresh audioUrl from GET /sandbox/1/messages');
    }
    const file = join(s.audio.dir, `${deliveryId}.wav`);
    // A recording pruned with its PIN (retention) is gone, not an error.
    if (!existsSync(file)) throw notFound('No such recording: it was removed with its PIN; send a new PIN to get a new one');
    reply.type('audio/wav');
    return reply.send(createReadStream(file).on('error', () => undefined));
  });

  app.get<{ Params: { language: string }; Querystring: { includeNeural?: string } }>('/tts/3/voices/:language', { config: { access: 'any' }, schema: voiceDocs.list }, async (req) => {
    const language = normalizeLanguage(req.params.language);
    if (!language) {
      throw new DomainError('BAD_REQUEST', `Unknown language "${req.params.language}": use one of ${LANGUAGES.join(', ')}`, { validationErrors: { language: [`must be one of ${LANGUAGES.join(', ')}`] } });
    }
    return { voices: voicesFor(language).map(({ engine: _engine, ...v }) => v) };
  });
}
