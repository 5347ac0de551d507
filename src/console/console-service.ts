import type { Medium } from '../channels/contract.ts';
import type { PromptRenderer } from '../channels/voice/tts/prompt-renderer.ts';
import { renderCallAudio } from '../app/voice-setup.ts';
import type { RecentPin } from '../domain/console-views.ts';
import { LANGUAGES, type Language } from '../domain/languages.ts';
import { PIN_TYPES } from '../domain/pin-code.ts';
import type { Clock, Store } from '../domain/ports.ts';
import type { ApplicationService } from '../domain/services/application-service.ts';
import type { Principal } from '../domain/services/account-service.ts';
import { toStatsView, windowFor, type StatsRange } from './console-stats.ts';
import { previewTemplate, type PreviewRequest } from './template-preview.ts';

export interface ConsoleDeps {
  store: Store;
  clock: Clock;
  apps: ApplicationService;
  /** The process's one prompt renderer (shared with the voice channel and the sandbox). */
  renderer: () => Promise<PromptRenderer>;
  /** "sandbox" or the configured channel per medium. */
  channels: () => Record<Medium, string>;
}

export type PinState = 'VERIFIED' | 'PENDING' | 'EXPIRED' | 'NO_MORE_ATTEMPTS';

const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());

/**
 * What the web console reads beyond Infobip's endpoints: who is signed in, the dashboard's
 * numbers, the PIN feed, credits, template previews. Everything is scoped to the caller's
 * account; nothing here ever reveals a PIN of a real send (previews use a sample PIN).
 */
export function createConsoleService(deps: ConsoleDeps) {
  const { store, clock, apps } = deps;

  async function session(principal: Principal) {
    const account = await store.getAccount(principal.accountId);
    const channels = deps.channels();
    return {
      account: { id: principal.accountId, name: account?.name ?? principal.accountId },
      key: { id: principal.keyId, scopes: [...principal.scopes] },
      channels, sandbox: Object.values(channels).some((id) => id.startsWith('sandbox')),
      languages: [...LANGUAGES], pinTypes: [...PIN_TYPES],
    };
  }

  async function stats(accountId: string, range: StatsRange) {
    const window = windowFor(range, clock.now());
    return toStatsView(range, window, await store.accountActivity(accountId, window));
  }

  async function recentPins(accountId: string, limit: number, before?: number) {
    const [pins, applications] = await Promise.all([store.listRecentPins(accountId, limit, before), store.listApplications(accountId)]);
    const names = new Map(applications.map((a) => [a.id, a.name]));
    const now = clock.now();
    return {
      now: new Date(now).toISOString(),
      pins: pins.map((p) => presentPin(p, names.get(p.applicationId), now)),
    };
  }

  async function credits(accountId: string, limit: number) {
    const [account, charges] = await Promise.all([store.getAccount(accountId), store.listCharges(accountId, limit)]);
    return {
      balance: account?.creditBalance ?? null,
      charges: charges.map((c) => ({ deliveryId: c.deliveryId, pinId: c.pinId, to: c.to, price: c.price, ...(c.endedAt !== null ? { endedAt: iso(c.endedAt) } : {}) })),
    };
  }

  async function preview(accountId: string, applicationId: string, messageId: string, req: PreviewRequest) {
    const template = await apps.getTemplate(accountId, applicationId, messageId);
    const { textParts: _parts, ...view } = previewTemplate(template, req);
    return { messageId: template.id, applicationId: template.applicationId, ...view };
  }

  /** The WAV a call with this template would play for the sample PIN (same renderer, same G.711 round trip). */
  async function previewAudio(accountId: string, applicationId: string, messageId: string, req: PreviewRequest) {
    const template = await apps.getTemplate(accountId, applicationId, messageId);
    const p = previewTemplate(template, req);
    return renderCallAudio(deps.renderer, {
      textParts: p.textParts, pin: p.samplePin, language: p.voice.language as Language, voiceName: p.voice.voiceName, speechRate: p.voice.speechRate,
    });
  }

  return { session, stats, recentPins, credits, preview, previewAudio };
}

export type ConsoleService = ReturnType<typeof createConsoleService>;

/** A feed row: the PIN's life and each delivery's status, never the PIN. */
function presentPin(p: RecentPin, applicationName: string | undefined, now: number) {
  const state: PinState = p.verifiedAt !== null ? 'VERIFIED'
    : p.attemptsUsed >= p.maxAttempts ? 'NO_MORE_ATTEMPTS'
      : now >= p.expiresAt ? 'EXPIRED' : 'PENDING';
  return {
    pinId: p.id, applicationId: p.applicationId, ...(applicationName !== undefined ? { applicationName } : {}), messageId: p.templateId,
    to: p.to, state, createdAt: iso(p.createdAt), expiresAt: iso(p.expiresAt),
    ...(p.verifiedAt !== null ? { verifiedAt: iso(p.verifiedAt) } : {}),
    attemptsUsed: p.attemptsUsed, maxAttempts: p.maxAttempts,
    deliveries: p.deliveries.map((d) => ({
      deliveryId: d.id, channel: d.medium, status: d.status, final: d.final, attempts: d.attempts,
      ...(d.price !== null ? { price: d.price } : {}), acceptedAt: iso(d.createdAt), updatedAt: iso(d.updatedAt),
    })),
  };
}
