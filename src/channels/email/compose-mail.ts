/**
 * Turns a rendered OutboundMessage into nodemailer message options: envelope addresses,
 * a stable Message-ID and the opt-out headers. No I/O here.
 */
import addressparser from 'nodemailer/lib/addressparser';
import type { SendMailOptions } from 'nodemailer';
import { ChannelError, type OutboundMessage } from '../contract.ts';

export interface Mailbox {
  name: string;
  address: string;
}

export interface ComposedMail {
  options: SendMailOptions;
  /** Message-ID without angle brackets; the same for every attempt of one delivery. */
  messageId: string;
  sender: Mailbox;
}

/** Exactly one mailbox (no group, no list), or undefined. */
export function parseSingleMailbox(value: string): Mailbox | undefined {
  if (/[\r\n]/.test(value)) return undefined;
  const parsed = addressparser(value);
  if (parsed.length !== 1) return undefined;
  const only = parsed[0];
  if (!only || only.group || !only.address) return undefined;
  // addr-spec needs a local part and a domain (RFC 5322 §3.4.1).
  const at = only.address.lastIndexOf('@');
  if (at < 1 || at === only.address.length - 1) return undefined;
  return { name: only.name, address: only.address };
}

/**
 * RFC 5322 §3.6.4: a retransmission of the same message keeps its Message-ID. Deriving it
 * from the delivery id means a retry after an ambiguous failure (timeout after the relay had
 * already accepted) produces a duplicate that mail clients can collapse.
 */
export function messageIdFor(deliveryId: string, senderAddress: string): string | undefined {
  const local = deliveryId.replace(/[^A-Za-z0-9._-]/g, '');
  const domain = senderAddress.slice(senderAddress.lastIndexOf('@') + 1).replace(/[^A-Za-z0-9.-]/g, '');
  if (!local || !domain) return undefined;
  return `${local}.open2fa@${domain}`;
}

/** RFC 2369 List-Unsubscribe plus, for an HTTPS URI only, RFC 8058 one-click (§3.1 requires HTTPS). */
export function unsubscribeHeaders(url: string | undefined): Pick<SendMailOptions, 'list' | 'headers'> {
  if (!url) return {};
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {}; // a malformed link is a template problem; never block a PIN over it
  }
  if (!['https:', 'http:', 'mailto:'].includes(parsed.protocol)) return {};
  const headers: Record<string, string> = {};
  if (parsed.protocol === 'https:') headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  // nodemailer's `list` option wraps the URI in <> and strips CR/LF, so no header injection.
  return { list: { unsubscribe: parsed.href }, headers };
}

export function composeMail(message: OutboundMessage, defaultFrom: string): ComposedMail {
  if (message.medium !== 'email' || !message.email) {
    throw new ChannelError('REJECTED', `email channel got a ${message.medium} message without email content`, false);
  }
  const recipient = parseSingleMailbox(message.to);
  if (!recipient) {
    throw new ChannelError('INVALID_RECIPIENT', 'recipient is not a single valid email address', false);
  }
  const sender = parseSingleMailbox(message.from ?? defaultFrom);
  if (!sender) {
    // The sender comes from application settings or config, not from the end user.
    throw new ChannelError('INVALID_CONFIG', 'sender is not a single valid email address', false);
  }
  const messageId = messageIdFor(message.deliveryId, sender.address);
  const { list, headers: listHeaders } = unsubscribeHeaders(message.email.unsubscribeUrl);
  const options: SendMailOptions = {
    from: sender.name ? { name: sender.name, address: sender.address } : sender.address,
    // Bare address: the display name the API caller typed has no place in our To header.
    to: recipient.address,
    subject: message.email.subject,
    text: message.email.text,
    ...(message.email.html !== undefined ? { html: message.email.html } : {}),
    ...(messageId ? { messageId: `<${messageId}>` } : {}),
    ...(list ? { list } : {}),
    headers: {
      // RFC 3834 §5: machine-generated, so vacation responders and auto-replies stay quiet.
      'Auto-Submitted': 'auto-generated',
      ...listHeaders,
    },
  };
  return { options, messageId: messageId ?? '', sender };
}
