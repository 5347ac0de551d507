import type { Medium } from '../channels/contract.ts';
import type { PinType } from './pin-code.ts';

/** Rows as the storage contract returns them. Times are epoch milliseconds. */

export type Scope = '2fa:manage' | '2fa:pin:send';
export const ALL_SCOPES: readonly Scope[] = ['2fa:manage', '2fa:pin:send'];

export interface Account {
  id: string;
  name: string;
  createdAt: number;
  /** Credit balance; null = unlimited. */
  creditBalance: number | null;
}

export interface ApiKeyRecord {
  id: string;
  accountId: string;
  name: string;
  /** First characters of the key, to recognise it in listings. The key itself is never stored. */
  prefix: string;
  scopes: Scope[];
  createdAt: number;
  revokedAt: number | null;
}

export interface ApplicationConfig {
  pinAttempts: number;
  allowMultiplePinVerifications: boolean;
  pinTimeToLive: string;
  verifyPinLimit: string;
  sendPinPerApplicationLimit: string;
  sendPinPerPhoneNumberLimit: string;
}

export interface ApplicationRecord {
  id: string;
  accountId: string;
  name: string;
  enabled: boolean;
  configuration: ApplicationConfig;
  /** Extension: delivery reports are POSTed here when a send asks for trackDelivery. */
  notifyUrl: string | null;
  /** Per-application HMAC key for delivery report signatures. */
  webhookSecret: string;
  createdAt: number;
  updatedAt: number;
}

export type TemplateKind = 'message' | 'email';

export interface TemplateRecord {
  id: string;
  accountId: string;
  applicationId: string;
  kind: TemplateKind;
  pinType: PinType;
  pinLength: number;
  messageText?: string;
  language?: string;
  voiceName?: string;
  repeatDTMF?: string;
  speechRate?: number;
  senderId?: string;
  regional?: unknown;
  from?: string;
  emailTemplateId?: number;
  landingPageId?: string;
  createdAt: number;
  updatedAt: number;
}

export interface PinRecord {
  id: string;
  accountId: string;
  applicationId: string;
  templateId: string;
  /** Digits for sms/voice, an address for email. */
  to: string;
  seed: Buffer;
  hash: Buffer;
  pinType: PinType;
  pinLength: number;
  maxAttempts: number;
  attemptsUsed: number;
  multipleVerifications: boolean;
  /** verifyPinLimit of the application when the PIN was created. */
  verifyLimit: string;
  expiresAt: number;
  verifiedAt: number | null;
  /** When a delivery of this PIN first reached the person. */
  sentAt: number | null;
  createdAt: number;
  placeholders: Record<string, string>;
}

export type DeliveryState = 'queued' | 'running' | 'waiting' | 'done';

/** What a delivery says, without the PIN: channels get parts joined with the derived PIN. */
export interface DeliveryContent {
  textParts: string[];
  subjectParts?: string[];
  htmlParts?: string[];
  unsubscribeUrl?: string;
  voice?: { language: string; voiceName: string; speechRate: number; repeatDTMF?: string };
}

export interface DeliveryRecord {
  id: string;
  pinId: string;
  accountId: string;
  applicationId: string;
  medium: Medium;
  to: string;
  /** Sender requested (`from` of the request, else the template's). */
  sender: string | null;
  content: DeliveryContent;
  state: DeliveryState;
  status: string;
  final: boolean;
  reached: boolean;
  attempts: number;
  nextAttemptAt: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  createdAt: number;
  updatedAt: number;
  channelId: string | null;
  resultCode: string | null;
  detail: string | null;
  senderUsed: string | null;
  ringingAt: number | null;
  answeredAt: number | null;
  endedAt: number | null;
  dtmfRepeats: number | null;
  amdVerdict: string | null;
  price: number | null;
  providerMessageId: string | null;
  externalMessageId: string | null;
  trackDelivery: boolean;
  audioFile: string | null;
}

export interface SandboxMessage {
  id: string;
  accountId: string;
  deliveryId: string;
  pinId: string;
  medium: Medium;
  to: string;
  from: string | null;
  content: DeliveryContent;
  status: string;
  audioFile: string | null;
  createdAt: number;
}

export interface WebhookEvent {
  /** Event id, sent to the receiver for de-duplication. */
  id: string;
  accountId: string;
  applicationId: string;
  deliveryId: string;
  url: string;
  body: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
}

export interface ChargeRow {
  deliveryId: string;
  pinId: string;
  to: string;
  price: number;
  endedAt: number | null;
}

/** The body an email template's `emailTemplateId` points at (extension endpoints /email/1/contents). */
export interface EmailContentRecord {
  accountId: string;
  id: number;
  name: string;
  subject: string;
  text: string | null;
  html: string | null;
  createdAt: number;
  updatedAt: number;
}
