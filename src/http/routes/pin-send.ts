import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Medium } from '../../channels/contract.ts';
import { principalOf } from '../auth.ts';
import { resendDocs, sendDocs } from '../openapi/docs-pins.ts';
import { bodyOf, resendEmailPinSchema, resendPinSchema, sendEmailPinSchema, sendPinSchema } from '../schemas.ts';
import { idempotencyOf, parse, type HttpServices } from './route-helpers.ts';

type PinParams = { pinId: string };

/** Infobip endpoints 11–16: send and resend a PIN over SMS, voice and email (reference §7). */
export function registerPinSendRoutes(app: FastifyInstance, s: HttpServices): void {
  const send = { config: { access: 'send' as const } };

  const sendOver = (medium: Medium) => async (req: FastifyRequest) => {
    const body = parse(medium === 'email' ? sendEmailPinSchema : sendPinSchema, req.body, 'body');
    // ncNeeded: anything but "false" means true; the Node SDK sends "undefined" (decisions #10).
    const ncNeeded = (req.query as Record<string, string | undefined>).ncNeeded !== 'false';
    return s.sender.send({
      accountId: principalOf(req).accountId, medium, applicationId: body.applicationId, messageId: body.messageId, to: body.to,
      ...(body.from !== undefined ? { from: body.from } : {}), ...(body.placeholders ? { placeholders: body.placeholders } : {}),
      ...(body.trackDelivery !== undefined ? { trackDelivery: body.trackDelivery } : {}), ncNeeded,
      ...withIdempotency(req),
    });
  };

  const resendOver = (medium: Medium) => async (req: FastifyRequest<{ Params: PinParams }>) => {
    const body = parse(medium === 'email' ? resendEmailPinSchema : resendPinSchema, bodyOf(req.body, true), 'body');
    return s.sender.resend({
      accountId: principalOf(req).accountId, medium, pinId: req.params.pinId,
      ...(body.placeholders ? { placeholders: body.placeholders } : {}),
      ...('trackDelivery' in body && body.trackDelivery !== undefined ? { trackDelivery: body.trackDelivery } : {}),
      ...withIdempotency(req),
    });
  };

  app.post('/2fa/2/pin', { ...send, schema: sendDocs.sms }, sendOver('sms'));
  app.post('/2fa/2/pin/voice', { ...send, schema: sendDocs.voice }, sendOver('voice'));
  app.post('/2fa/2/pin/email', { ...send, schema: sendDocs.email }, sendOver('email'));
  app.post<{ Params: PinParams }>('/2fa/2/pin/:pinId/resend', { ...send, schema: resendDocs.sms }, resendOver('sms'));
  app.post<{ Params: PinParams }>('/2fa/2/pin/:pinId/resend/voice', { ...send, schema: resendDocs.voice }, resendOver('voice'));
  app.post<{ Params: PinParams }>('/2fa/2/pin/:pinId/resend/email', { ...send, schema: resendDocs.email }, resendOver('email'));
}

function withIdempotency(req: FastifyRequest) {
  const idempotency = idempotencyOf(req, req.body ?? {});
  return idempotency ? { idempotency } : {};
}
