import type { ClaimedDelivery, Store } from '../../domain/ports.ts';
import {
  ACTIVITY_SQL, edgeParams, NO_UPPER_BOUND, RECENT_DELIVERY_COLUMNS, RECENT_PIN_COLUMNS, toActivity, toRecentPins,
  verifyTimesSql, windowParams,
} from '../console-queries.ts';
import { toSandboxMessage } from '../row-mapping.ts';
import { statementCache, type SqliteDb } from './sqlite-database.ts';

type ConsoleMethods = Pick<Store, 'accountActivity' | 'listRecentPins' | 'listRecentSandboxMessages'>;
type Row = Record<string, unknown>;

/**
 * The web console's read-only views on SQLite (see storage/console-queries.ts). They only read,
 * so they never take the write lock: WAL lets them run beside the delivery worker's writes.
 */
export function createSqliteConsole(db: SqliteDb): ConsoleMethods {
  const q = statementCache(db);
  return {
    async accountActivity(accountId, window) {
      const params = windowParams(accountId, window);
      const { bucket: _bucket, ...plain } = params;
      // One read transaction: the four counts describe the same moment.
      return db.transaction(() => toActivity({
        sent: q(ACTIVITY_SQL.sent).all(params) as Row[],
        verified: q(ACTIVITY_SQL.verified).all(params) as Row[],
        outcomes: q(ACTIVITY_SQL.outcomes).all(plain) as Row[],
        verifyTimes: q(verifyTimesSql(window.verifyEdgesMs.length)).all(edgeParams(accountId, window)) as Row[],
      }))();
    },
    async listRecentPins(accountId, limit, before = NO_UPPER_BOUND) {
      return db.transaction(() => {
        const pins = q(`SELECT ${RECENT_PIN_COLUMNS} FROM pins WHERE account_id = ? AND created_at < ?
          ORDER BY created_at DESC, rowid DESC LIMIT ?`).all(accountId, before, limit) as Row[];
        if (pins.length === 0) return [];
        // One probe of deliveries_by_pin per PIN of the page; `+account_id` keeps the planner off
        // deliveries_by_account, which would walk every delivery the account ever had.
        const deliveries = q(`SELECT ${RECENT_DELIVERY_COLUMNS} FROM deliveries
          WHERE pin_id IN (SELECT value FROM json_each(?)) AND +account_id = ? ORDER BY created_at, rowid`)
          .all(JSON.stringify(pins.map((p) => p.id)), accountId) as Row[];
        return toRecentPins(pins, deliveries);
      })();
    },
    async listRecentSandboxMessages(accountId, limit) {
      const rows = q(`SELECT s.*, p.seed AS pin_seed, p.pin_type, p.pin_length, p.expires_at AS pin_expires_at
        FROM sandbox_messages s JOIN pins p ON p.id = s.pin_id
        WHERE s.account_id = ? ORDER BY s.created_at DESC, s.rowid DESC LIMIT ?`).all(accountId, limit) as Row[];
      return rows.map((r) => ({ ...toSandboxMessage(r), pin: pinOf(r) }));
    },
  };
}

const pinOf = (r: Row): ClaimedDelivery['pin'] => ({
  id: String(r.pin_id), seed: r.pin_seed as Buffer, pinType: r.pin_type as ClaimedDelivery['pin']['pinType'],
  pinLength: Number(r.pin_length), expiresAt: Number(r.pin_expires_at),
});
