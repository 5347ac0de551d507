import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth.ts';
import { verifyDocs } from '../openapi/docs-pins.ts';
import { presentDelivery } from '../presenters.ts';
import { verificationsQuerySchema, verifyPinSchema } from '../schemas.ts';
import { parse, type HttpServices } from './route-helpers.ts';

type PinParams = { pinId: string };

/** Infobip endpoints 17–18 (verify, verification status) and the PIN delivery status extension. */
export function registerPinVerifyRoutes(app: FastifyInstance, s: HttpServices): void {
  const send = { config: { access: 'send' as const } };

  app.post<{ Params: PinParams }>('/2fa/2/pin/:pinId/verify', { ...send, schema: verifyDocs.verify }, async (req) => {
    const body = parse(verifyPinSchema, req.body, 'body');
    return s.verifier.verify(principalOf(req).accountId, req.params.pinId, body.pin);
  });

  app.get<{ Params: { appId: string } }>('/2fa/2/applications/:appId/verifications', { ...send, schema: verifyDocs.verifications }, async (req) => {
    const q = parse(verificationsQuerySchema, req.query, 'querystring');
    const filter = { ...(q.verified !== undefined ? { verified: q.verified } : {}), ...(q.sent !== undefined ? { sent: q.sent } : {}) };
    return { verifications: await s.verifier.verifications(principalOf(req).accountId, req.params.appId, q.msisdn, filter) };
  });

  app.get<{ Params: PinParams }>('/2fa/2/pin/:pinId/status', { ...send, schema: verifyDocs.status }, async (req) => {
    const { pin, deliveries } = await s.verifier.deliveryStatus(principalOf(req).accountId, req.params.pinId);
    return {
      pinId: pin.id, applicationId: pin.applicationId, messageId: pin.templateId, to: pin.to,
      createdAt: new Date(pin.createdAt).toISOString(), expiresAt: new Date(pin.expiresAt).toISOString(),
      // As in the verify answer (decisions #4): 0 once a single-use PIN has been verified.
      verified: pin.verifiedAt !== null,
      attemptsRemaining: pin.verifiedAt !== null && !pin.multipleVerifications ? 0 : Math.max(0, pin.maxAttempts - pin.attemptsUsed),
      deliveries: deliveries.map(presentDelivery),
    };
  });
}
