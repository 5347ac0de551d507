import type { ApplicationRecord, DeliveryRecord, TemplateRecord } from '../domain/records.ts';

/**
 * Records → Infobip's response shapes. Absent fields are omitted, never null (reference §5.2);
 * internal columns (hashes, secrets, account ids) have no way out.
 */
export function presentApplication(app: ApplicationRecord) {
  return {
    applicationId: app.id, name: app.name, configuration: { ...app.configuration }, enabled: app.enabled,
    // Extension: where delivery reports go, and the key that signs them (2fa:manage keys only).
    ...(app.notifyUrl ? { notifyUrl: app.notifyUrl, webhookSecret: app.webhookSecret } : {}),
  };
}

export function presentTemplate(t: TemplateRecord) {
  const base = { messageId: t.id, applicationId: t.applicationId };
  if (t.kind === 'email') {
    return compact({ ...base, pinLength: t.pinLength, pinType: t.pinType, from: t.from, emailTemplateId: t.emailTemplateId, landingPageId: t.landingPageId });
  }
  return compact({
    ...base, pinPlaceholder: '{{pin}}', messageText: t.messageText, pinLength: t.pinLength, pinType: t.pinType,
    language: t.language, voiceName: t.voiceName, senderId: t.senderId, repeatDTMF: t.repeatDTMF, speechRate: t.speechRate, regional: t.regional,
  });
}

const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());

/** Extension: one delivery attempt of a PIN, for GET /2fa/2/pin/{pinId}/status. */
export function presentDelivery(d: DeliveryRecord) {
  const statusField = d.medium === 'voice' ? 'callStatus' : d.medium === 'sms' ? 'smsStatus' : 'emailStatus';
  return compact({
    deliveryId: d.id, channel: d.medium, to: d.to, from: d.senderUsed ?? d.sender ?? undefined,
    status: d.status, [statusField]: d.status, final: d.final, attempts: d.attempts,
    resultCode: d.resultCode ?? undefined, detail: d.detail ?? undefined,
    acceptedAt: iso(d.createdAt), ringingAt: iso(d.ringingAt), answeredAt: iso(d.answeredAt), endedAt: iso(d.endedAt),
    dtmfRepeats: d.dtmfRepeats ?? undefined, answeringMachine: d.amdVerdict ?? undefined, price: d.price ?? undefined,
    externalMessageId: d.externalMessageId ?? undefined, providerMessageId: d.providerMessageId ?? undefined,
  });
}

export function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}
