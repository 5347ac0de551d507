import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth.ts';
import { applicationDocs } from '../openapi/docs-applications.ts';
import { presentApplication } from '../presenters.ts';
import { createApplicationSchema, updateApplicationSchema } from '../schemas.ts';
import { parse, type HttpServices } from './route-helpers.ts';

type AppParams = { appId: string };

/** Infobip endpoints 1–4: applications (reference §4). Create answers 200 (decisions #1). */
export function registerApplicationRoutes(app: FastifyInstance, s: HttpServices): void {
  const manage = { config: { access: 'manage' as const } };

  app.get('/2fa/2/applications', { ...manage, schema: applicationDocs.list }, async (req) => {
    return (await s.apps.listApplications(principalOf(req).accountId)).map(presentApplication);
  });

  app.post('/2fa/2/applications', { ...manage, schema: applicationDocs.create }, async (req) => {
    const input = parse(createApplicationSchema, req.body, 'body');
    return presentApplication(await s.apps.createApplication(principalOf(req).accountId, input));
  });

  app.get<{ Params: AppParams }>('/2fa/2/applications/:appId', { ...manage, schema: applicationDocs.get }, async (req) => {
    return presentApplication(await s.apps.getApplication(principalOf(req).accountId, req.params.appId));
  });

  app.put<{ Params: AppParams }>('/2fa/2/applications/:appId', { ...manage, schema: applicationDocs.update }, async (req) => {
    const input = parse(updateApplicationSchema, req.body, 'body');
    return presentApplication(await s.apps.updateApplication(principalOf(req).accountId, req.params.appId, input));
  });
}
