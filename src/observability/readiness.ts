import type { DeliveryChannel, Medium } from '../channels/contract.ts';

/**
 * /readyz: can this process do its job right now? Storage answers a ping, and (where this
 * process delivers) every channel's own check passes: SMPP routes each have a bound SMSC, SIP
 * trunks are not failing call after call, the SMTP relay accepts a connection and our login.
 * Each check runs with a deadline; checks run in parallel, so an answer takes at most that long.
 */

export interface CheckResult {
  ok: boolean;
  detail: string;
  /** How long the check took. */
  ms: number;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckResult>;
  /** One line per failed check: "sms: no bound SMSC for prefix ''". */
  reasons: string[];
}

export interface ReadinessDeps {
  ping(): Promise<void>;
  storageKind: string;
  /** The channels this process delivers with; omit (API-only processes) to skip them. */
  channels?: () => Record<Medium, DeliveryChannel>;
  /** Deadline of each check; default 2000 ms. */
  timeoutMs?: number;
}

export interface Readiness {
  check(): Promise<ReadinessReport>;
  /** Answer "not ready" from now on (shutdown has begun: let load balancers drain this process). */
  drain(): void;
}

export function createReadiness(deps: ReadinessDeps): Readiness {
  const timeoutMs = deps.timeoutMs ?? 2000;
  let draining = false;

  async function timed(run: () => Promise<{ ok: boolean; detail: string }>): Promise<CheckResult> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<{ ok: boolean; detail: string }>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
    });
    try {
      const result = await Promise.race([run().catch((err: unknown) => ({ ok: false, detail: errorText(err) })), deadline]);
      return { ...result, ms: Math.round(performance.now() - started) };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    drain() { draining = true; },
    async check() {
      const names: string[] = ['storage'];
      const runs: Promise<CheckResult>[] = [timed(async () => { await deps.ping(); return { ok: true, detail: `${deps.storageKind} reachable` }; })];
      for (const [medium, channel] of Object.entries(deps.channels?.() ?? {})) {
        names.push(medium);
        runs.push(timed(async () => {
          const result = channel.check ? await channel.check() : { ok: true, detail: 'no check' };
          return { ok: result.ok, detail: `${channel.id}: ${result.detail}` };
        }));
      }
      const results = await Promise.all(runs);
      const checks: Record<string, CheckResult> = {};
      names.forEach((name, i) => { checks[name] = results[i] as CheckResult; });
      if (draining) checks.process = { ok: false, detail: 'shutting down', ms: 0 };
      const reasons = Object.entries(checks).filter(([, c]) => !c.ok).map(([name, c]) => `${name}: ${c.detail}`);
      return { ready: reasons.length === 0, checks, reasons };
    },
  };
}

/** Error text without stack or properties: driver errors can carry query parameters. */
function errorText(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? `${e.code}: ` : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return `${code}${message}`.slice(0, 300);
}
