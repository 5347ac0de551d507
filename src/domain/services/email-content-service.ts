import { DomainError, notFound } from '../errors.ts';
import { containsPinPlaceholder } from '../message-render.ts';
import type { Clock, Store } from '../ports.ts';
import type { EmailContentRecord } from '../records.ts';
import type { EmailBody } from './send-rules.ts';

/**
 * Email bodies (extension endpoints /email/1/contents) that an email template's
 * `emailTemplateId` points at, and opt-outs from PIN emails. Infobip keeps bodies in its
 * Broadcast product; here they are numbered per account (1, 2, …) so a template can name one.
 */

export interface EmailContentInput {
  name?: string;
  subject?: string;
  /** null on update removes the part. */
  text?: string | null;
  html?: string | null;
}

/** What an opt-out link carries: enough to record the opt-out without looking anything up. */
export interface OptOutClaim {
  accountId: string;
  address: string;
  landingPageId: string | null;
}

/** Seals a claim into a URL-safe token and opens it again; a forged or damaged token opens to undefined. */
export interface OptOutTokens {
  seal(claim: OptOutClaim): string;
  open(token: string): OptOutClaim | undefined;
}

const PIN_REQUIRED = 'the text or the HTML must contain the {{pin}} placeholder, e.g. "Your code is {{pin}}"';

/** Rules that span fields, checked on the merged record so POST and PUT agree. */
function checkBody(c: Pick<EmailContentRecord, 'text' | 'html'>): void {
  if (c.text === null && c.html === null) {
    const text = 'An email content needs a text or an HTML body (or both)';
    throw new DomainError('BAD_REQUEST', text, { validationErrors: { text: [text], html: [text] } });
  }
  if (!containsPinPlaceholder(c.text ?? '') && !containsPinPlaceholder(c.html ?? '')) {
    throw new DomainError('BAD_REQUEST', `Invalid email content: ${PIN_REQUIRED}`, { validationErrors: { text: [PIN_REQUIRED], html: [PIN_REQUIRED] } });
  }
}

export function createEmailContentService(deps: { store: Store; clock: Clock }) {
  const { store, clock } = deps;

  async function get(accountId: string, id: number): Promise<EmailContentRecord> {
    const found = Number.isSafeInteger(id) && id > 0 ? await store.getEmailContent(accountId, id) : undefined;
    if (!found) throw notFound(`Email content ${id} not found. List yours with GET /email/1/contents`);
    return found;
  }

  async function create(accountId: string, input: EmailContentInput & { subject: string }): Promise<EmailContentRecord> {
    const now = clock.now();
    const body = { text: input.text ?? null, html: input.html ?? null };
    checkBody(body);
    // The subject is a good enough name for a list; it stays the name if the subject changes later.
    const name = input.name ?? input.subject.slice(0, 255);
    return store.createEmailContent({ accountId, name, subject: input.subject, ...body, createdAt: now, updatedAt: now });
  }

  /** Merge: absent fields keep their values (decisions #14); null removes text or HTML. */
  async function update(accountId: string, id: number, input: EmailContentInput): Promise<EmailContentRecord> {
    const current = await get(accountId, id);
    const next: EmailContentRecord = {
      ...current,
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.subject !== undefined ? { subject: input.subject } : {}),
      ...(input.text !== undefined ? { text: input.text } : {}),
      ...(input.html !== undefined ? { html: input.html } : {}),
      updatedAt: clock.now(),
    };
    checkBody(next);
    await store.updateEmailContent(next);
    return next;
  }

  /**
   * The body a send renders for `emailTemplateId`; undefined (the sender then uses
   * DEFAULT_EMAIL_BODY) when the template names none or the account stored no content by that id.
   */
  async function bodyFor(accountId: string, emailTemplateId: number | undefined): Promise<EmailBody | undefined> {
    if (emailTemplateId === undefined) return undefined;
    const c = await store.getEmailContent(accountId, emailTemplateId);
    if (!c) return undefined;
    return { subject: c.subject, text: c.text ?? htmlToText(c.html ?? ''), ...(c.html !== null ? { html: c.html } : {}) };
  }

  return { create, update, get, bodyFor, list: (accountId: string) => store.listEmailContents(accountId) };
}

export type EmailContentService = ReturnType<typeof createEmailContentService>;

/**
 * A plain-text part for HTML-only content: every PIN email gets a text/plain alternative, which
 * text-only clients and spam filters expect. Works on the template (placeholders still in it),
 * so values are filled afterwards like in any text body.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<(style|script|head)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|tr|table|blockquote)\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  // A PIN that only sat inside markup (an attribute) must still reach the text reader.
  return containsPinPlaceholder(text) ? text : `${text}\n\nYour verification code: {{pin}}`.trim();
}

/** Opt-outs: the signed link of each PIN email, and what its landing page records. */
export function createOptOutService(deps: { store: Store; clock: Clock; tokens: OptOutTokens; publicUrl: string }) {
  const base = deps.publicUrl.replace(/\/+$/, '');
  return {
    /** The link a PIN email carries (List-Unsubscribe header and body footer). */
    linkFor: (accountId: string, address: string, landingPageId: string | undefined) =>
      `${base}/optout/1/${deps.tokens.seal({ accountId, address, landingPageId: landingPageId ?? null })}`,
    read: (token: string) => deps.tokens.open(token),
    /** Records the opt-out of the token's address; undefined when the token is not valid. */
    async confirm(token: string): Promise<OptOutClaim | undefined> {
      const claim = deps.tokens.open(token);
      if (claim) await deps.store.addOptOut(claim.accountId, claim.address, claim.landingPageId, deps.clock.now());
      return claim;
    },
    isOptedOut: (accountId: string, address: string) => deps.store.isOptedOut(accountId, address),
  };
}

export type OptOutService = ReturnType<typeof createOptOutService>;
