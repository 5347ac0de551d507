import type { CallResult } from './sip/place-call.ts';
import type { RouteConfig } from './voice-config.ts';

/** This many trunk failures in a row (and no call since that got through) mark a trunk failing. */
export const FAILING_AFTER = 3;

interface TrunkState {
  failuresInRow: number;
  lastFailure?: { at: number; reason: string };
  lastOkAt?: number;
}

/**
 * What open2fa knows about its SIP trunks without probing them: how the calls placed over each
 * one went. open2fa does not REGISTER (trunks authenticate each INVITE) and sends no OPTIONS
 * pings, so "ready" means: configured, and not failing. A trunk is failing after FAILING_AFTER
 * calls in a row that got no usable answer from it (no response, transport error, 5xx: the cases
 * that fail over to the next trunk); any call the trunk handles (answered, busy, no answer…)
 * clears it. A route is unserved when every trunk of it is failing.
 */
export class TrunkHealth {
  private readonly states = new Map<string, TrunkState>();

  constructor(private readonly trunks: readonly string[], private readonly routes: readonly RouteConfig[], private readonly now: () => number = Date.now) {
    for (const t of trunks) this.states.set(t, { failuresInRow: 0 });
  }

  record(trunk: string, result: Pick<CallResult, 'trunkFailure' | 'status' | 'sipCode' | 'reason'>): void {
    const s = this.states.get(trunk);
    if (!s) return;
    if (!result.trunkFailure) {
      s.failuresInRow = 0;
      s.lastOkAt = this.now();
      return;
    }
    s.failuresInRow++;
    s.lastFailure = { at: this.now(), reason: result.sipCode ? `SIP ${result.sipCode}` : (result.reason ?? result.status) };
  }

  failing(trunk: string): boolean {
    return (this.states.get(trunk)?.failuresInRow ?? 0) >= FAILING_AFTER;
  }

  /** For check(): ok unless a route has no trunk left that is not failing. */
  report(): { ok: boolean; detail: string } {
    const now = this.now();
    const lines = this.trunks.map((name) => {
      const s = this.states.get(name) as TrunkState;
      if (s.failuresInRow === 0) return `${name}: ${s.lastOkAt === undefined ? 'no calls yet' : `last call ok ${ago(now, s.lastOkAt)}`}`;
      const last = s.lastFailure as { at: number; reason: string };
      const state = this.failing(name) ? 'failing' : 'degraded';
      return `${name}: ${state}, ${s.failuresInRow} call(s) in a row failed (last ${ago(now, last.at)}: ${last.reason})`;
    });
    const unserved = this.routes.filter((r) => r.trunks.every((t) => this.failing(t)));
    const gaps = unserved.map((r) => `no working trunk for prefix '${r.prefix}'`);
    return { ok: unserved.length === 0, detail: [...lines, ...gaps].join('; ') };
  }
}

function ago(now: number, at: number): string {
  return `${Math.max(0, Math.round((now - at) / 1000))} s ago`;
}
