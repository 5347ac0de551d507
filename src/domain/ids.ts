import { randomBytes, randomUUID } from 'node:crypto';

/** Infobip's id format for applications, templates and PINs: 128 random bits as 32 upper-case hex. */
export function newId(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** `externalMessageId` and webhook event ids: a lower-case UUID, as Infobip's examples show. */
export function newUuid(): string {
  return randomUUID();
}
