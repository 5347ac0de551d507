import { joinParts } from '../message-render.ts';
import { derivePin } from '../pin-code.ts';
import type { Store } from '../ports.ts';

/**
 * Reads the sandbox: what each phone or inbox would have received. The stored capture holds the
 * message without its PIN; the PIN is derived again here, only for the owning account.
 */
export function createSandboxInbox(deps: { store: Store; secret: Buffer }) {
  async function list(accountId: string, to: string, limit = 50) {
    return present(await deps.store.listSandboxMessages(accountId, to, limit));
  }

  /** The newest captures of the account to any destination (the web console's inbox). */
  async function recent(accountId: string, limit = 20) {
    return present(await deps.store.listRecentSandboxMessages(accountId, limit));
  }

  function present(rows: Awaited<ReturnType<Store['listSandboxMessages']>>) {
    return rows.map((m) => {
      const pin = derivePin(deps.secret, m.pin.id, m.pin.seed, m.pin.pinType, m.pin.pinLength);
      return {
        pinId: m.pinId, deliveryId: m.deliveryId, channel: m.medium, to: m.to, ...(m.from ? { from: m.from } : {}),
        ...(m.content.subjectParts ? { subject: joinParts(m.content.subjectParts, pin) } : {}),
        text: joinParts(m.content.textParts, pin),
        ...(m.content.htmlParts ? { html: joinParts(m.content.htmlParts, pin) } : {}),
        ...(m.content.voice ? { voice: m.content.voice } : {}),
        status: m.status, createdAt: new Date(m.createdAt).toISOString(), audioFile: m.audioFile,
      };
    });
  }
  return { list, recent, audioFile: (accountId: string, deliveryId: string) => deps.store.getSandboxAudio(accountId, deliveryId) };
}

export type SandboxInbox = ReturnType<typeof createSandboxInbox>;
