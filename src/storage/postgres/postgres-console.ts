import type { ClaimedDelivery, Store } from '../../domain/ports.ts';
import {
  ACTIVITY_SQL, edgeParams, NO_UPPER_BOUND, RECENT_DELIVERY_COLUMNS, RECENT_PIN_COLUMNS, toActivity, toRecentPins,
  verifyTimesSql, windowParams,
} from '../console-queries.ts';
import { toSandboxMessage } from '../row-mapping.ts';
import { bindNamed, type PgDatabase, type Row } from './postgres-database.ts';

type ConsoleMethods = Pick<Store, 'accountActivity' | 'listRecentPins' | 'listRecentSandboxMessages'>;

/**
 * The web console's read-only views on PostgreSQL (see storage/console-queries.ts). The four
 * counts run as separate statements on the pool: a dashboard is a glance, and a send landing
 * between two of them is harmless, so they need no snapshot of their own.
 */
export function createPostgresConsole(db: PgDatabase): ConsoleMethods {
  return {
    async accountActivity(accountId, window) {
      const params = windowParams(accountId, window);
      const { bucket: _bucket, ...plain } = params;
      const [sent, verified, outcomes, verifyTimes] = await Promise.all([
        db.query(...bindNamed(ACTIVITY_SQL.sent, params)),
        db.query(...bindNamed(ACTIVITY_SQL.verified, params)),
        db.query(...bindNamed(ACTIVITY_SQL.outcomes, plain)),
        db.query(...bindNamed(verifyTimesSql(window.verifyEdgesMs.length), edgeParams(accountId, window))),
      ]);
      return toActivity({ sent, verified, outcomes, verifyTimes });
    },
    async listRecentPins(accountId, limit, before = NO_UPPER_BOUND) {
      const pins = await db.query(`SELECT ${RECENT_PIN_COLUMNS} FROM pins WHERE account_id = $1 AND created_at < $2
        ORDER BY created_at DESC, seq DESC LIMIT $3`, [accountId, before, limit]);
      if (pins.length === 0) return [];
      const deliveries = await db.query(`SELECT ${RECENT_DELIVERY_COLUMNS} FROM deliveries
        WHERE pin_id = ANY($1::text[]) AND account_id = $2 ORDER BY created_at, seq`, [pins.map((p) => String(p.id)), accountId]);
      return toRecentPins(pins, deliveries);
    },
    async listRecentSandboxMessages(accountId, limit) {
      const rows = await db.query(`SELECT s.*, p.seed AS pin_seed, p.pin_type, p.pin_length, p.expires_at AS pin_expires_at
        FROM sandbox_messages s JOIN pins p ON p.id = s.pin_id
        WHERE s.account_id = $1 ORDER BY s.created_at DESC, s.seq DESC LIMIT $2`, [accountId, limit]);
      return rows.map((r) => ({ ...toSandboxMessage(r), pin: pinOf(r) }));
    },
  };
}

const pinOf = (r: Row): ClaimedDelivery['pin'] => ({
  id: String(r.pin_id), seed: r.pin_seed as Buffer, pinType: r.pin_type as ClaimedDelivery['pin']['pinType'],
  pinLength: Number(r.pin_length), expiresAt: Number(r.pin_expires_at),
});
