import type { FastifyInstance } from 'fastify';
import { notFound } from '../../domain/errors.ts';
import type { EmailContentRecord } from '../../domain/records.ts';
import { principalOf } from '../auth.ts';
import { emailContentDocs } from '../openapi/docs-extensions.ts';
import { compact } from '../presenters.ts';
import { createEmailContentSchema, updateEmailContentSchema } from '../schemas.ts';
import { parse, type HttpServices } from './route-helpers.ts';

type IdParams = { id: string };

/** Record → answer: account ids stay inside, absent parts are omitted (never null), times ISO 8601. */
export function presentEmailContent(c: EmailContentRecord) {
  return compact({
    id: c.id, name: c.name, subject: c.subject, text: c.text, html: c.html,
    createdAt: new Date(c.createdAt).toISOString(), updatedAt: new Date(c.updatedAt).toISOString(),
  });
}

/** Ids are the integers an email template's `emailTemplateId` names; anything else is simply not found. */
function idOf(raw: string): number {
  const id = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw notFound(`Email content ${raw} not found. Ids are positive integers; list yours with GET /email/1/contents`);
  return id;
}

/**
 * Extension: the email bodies behind `emailTemplateId` (Infobip keeps them in its Broadcast
 * product, which open2fa does not have). Scope 2fa:manage, scoped to the key's account.
 */
export function registerEmailContentRoutes(app: FastifyInstance, s: HttpServices): void {
  const manage = { config: { access: 'manage' as const } };

  app.get('/email/1/contents', { ...manage, schema: emailContentDocs.list }, async (req) => {
    return (await s.emailContents.list(principalOf(req).accountId)).map(presentEmailContent);
  });

  app.post('/email/1/contents', { ...manage, schema: emailContentDocs.create }, async (req) => {
    const input = parse(createEmailContentSchema, req.body, 'body');
    return presentEmailContent(await s.emailContents.create(principalOf(req).accountId, input));
  });

  app.get<{ Params: IdParams }>('/email/1/contents/:id', { ...manage, schema: emailContentDocs.get }, async (req) => {
    return presentEmailContent(await s.emailContents.get(principalOf(req).accountId, idOf(req.params.id)));
  });

  app.put<{ Params: IdParams }>('/email/1/contents/:id', { ...manage, schema: emailContentDocs.update }, async (req) => {
    const id = idOf(req.params.id);
    const input = parse(updateEmailContentSchema, req.body, 'body');
    return presentEmailContent(await s.emailContents.update(principalOf(req).accountId, id, input));
  });
}
