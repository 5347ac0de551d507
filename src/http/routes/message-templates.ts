import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth.ts';
import { templateDocs } from '../openapi/docs-applications.ts';
import { presentTemplate } from '../presenters.ts';
import {
  createEmailTemplateSchema, createMessageTemplateSchema, updateEmailTemplateSchema, updateMessageTemplateSchema,
} from '../schemas.ts';
import { parse, type HttpServices } from './route-helpers.ts';

type AppParams = { appId: string };
type MsgParams = { appId: string; msgId: string };

/** Infobip endpoints 5–10: SMS/voice and email message templates (reference §5, §6). */
export function registerTemplateRoutes(app: FastifyInstance, s: HttpServices): void {
  const manage = { config: { access: 'manage' as const } };
  const base = '/2fa/2/applications/:appId';

  app.get<{ Params: AppParams }>(`${base}/messages`, { ...manage, schema: templateDocs.list }, async (req) => {
    return (await s.apps.listTemplates(principalOf(req).accountId, req.params.appId)).map(presentTemplate);
  });

  app.post<{ Params: AppParams }>(`${base}/messages`, { ...manage, schema: templateDocs.create }, async (req) => {
    const input = parse(createMessageTemplateSchema, req.body, 'body');
    return presentTemplate(await s.apps.createMessageTemplate(principalOf(req).accountId, req.params.appId, input));
  });

  app.get<{ Params: MsgParams }>(`${base}/messages/:msgId`, { ...manage, schema: templateDocs.get }, async (req) => {
    return presentTemplate(await s.apps.getTemplate(principalOf(req).accountId, req.params.appId, req.params.msgId));
  });

  app.put<{ Params: MsgParams }>(`${base}/messages/:msgId`, { ...manage, schema: templateDocs.update }, async (req) => {
    const input = parse(updateMessageTemplateSchema, req.body, 'body');
    return presentTemplate(await s.apps.updateMessageTemplate(principalOf(req).accountId, req.params.appId, req.params.msgId, input));
  });

  app.post<{ Params: AppParams }>(`${base}/email/messages`, { ...manage, schema: templateDocs.createEmail }, async (req) => {
    const input = parse(createEmailTemplateSchema, req.body, 'body');
    return presentTemplate(await s.apps.createEmailTemplate(principalOf(req).accountId, req.params.appId, input));
  });

  app.put<{ Params: MsgParams }>(`${base}/email/messages/:msgId`, { ...manage, schema: templateDocs.updateEmail }, async (req) => {
    const input = parse(updateEmailTemplateSchema, req.body, 'body');
    return presentTemplate(await s.apps.updateEmailTemplate(principalOf(req).accountId, req.params.appId, req.params.msgId, input));
  });
}
