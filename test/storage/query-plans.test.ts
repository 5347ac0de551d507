import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Store } from '../../src/domain/ports.ts';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';
import { createPostgresStore } from '../../src/storage/postgres/postgres-store.ts';
import { createOwner, DAY, insertPin, limit, MINUTE, sandboxMessage, sendPlan, T0 } from './contract/fixtures.ts';
import { webhookEvent } from './contract/extras-contract.ts';
import { PG_URL, whenPostgres } from '../scale/lib.ts';

/**
 * "Nothing degrades with history" (issue 7 §4): every query the hot paths and the housekeeping
 * run must find its rows through an index, never by reading a whole table, so its cost does not
 * grow with a year of stored PINs, deliveries and captures. The statements are not copied here:
 * the test records the SQL each store method really prepares (SQLite) or sends (PostgreSQL) while
 * it runs, then asks the database for the plan of each statement.
 */

interface Recorded { label: string; sql: string; params: unknown[] }
const TABLES = ['accounts', 'api_keys', 'applications', 'templates', 'pins', 'deliveries', 'rate_limits', 'idempotency_keys',
  'sandbox_messages', 'webhook_events', 'email_contents', 'email_optouts', 'charges', 'sms_receipts'];

/** Calls each hot store method once, labelled; `mark` sets the label the recorder files statements under. */
async function exercise(store: Store, mark: (label: string) => void): Promise<void> {
  await store.migrate();
  const owner = await createOwner(store);
  const now = T0 + 10 * DAY;
  const run = async (label: string, fn: () => Promise<unknown>) => { mark(label); await fn(); mark(''); };
  const { pin, delivery } = await insertPin(store, owner, { createdAt: T0, expiresAt: T0 + MINUTE });
  const plan = sendPlan(owner, now, { limits: [limit('send:number:x', 5, DAY), limit('send:app:x', 100, DAY)], idempotency: { key: 'k', requestHash: 'h', response: {}, expiresAt: now + DAY } });
  await run('find api key', () => store.findApiKeyByHash(randomBytes(32)));
  await run('get application', () => store.getApplication(owner.accountId, owner.applicationId));
  await run('get template', () => store.getTemplate(owner.accountId, owner.applicationId, owner.templateId));
  await run('send: idempotency key, limits upsert, insert PIN and delivery', () => store.acceptSend(plan));
  await run('send: replay', () => store.acceptSend({ ...plan, pin: undefined }));
  await run('find PIN', () => store.getPin(owner.accountId, plan.pin.id));
  await run('verify: attempt and limits upsert', () => store.beginVerifyAttempt(plan.pin.id, limit('verify:x', 5, MINUTE), now));
  await run('verify: mark verified', () => store.markVerified(plan.pin.id, now, true));
  await run('list verifications', () => store.listVerifications(owner.accountId, owner.applicationId, plan.pin.to));
  await run('PIN status (deliveries of a PIN)', () => store.listDeliveries(owner.accountId, plan.pin.id));
  await run('claim deliveries', () => store.claimDeliveries('w', now, MINUTE, 10));
  await run('extend lease', () => store.extendLease(plan.delivery.id, 'w', now + 2 * MINUTE));
  await run('retry later', () => store.retryLater(plan.delivery.id, 'w', now, 'busy', now));
  await store.claimDeliveries('w', now + 1, MINUTE, 10);
  await run('record report', () => store.recordReport(delivery.id, 'w', { channelId: 'voice', status: 'COMPLETED', final: true, reached: true, price: 0.1 }, now));
  await run('get delivery', () => store.getDelivery(delivery.id));
  await run('expire waiting', () => store.expireWaiting(now - DAY, 'UNKNOWN', now));
  await run('count queued', () => store.countQueued(now));
  await store.insertSandboxMessage(sandboxMessage(delivery, { audioFile: 'a.wav' }));
  await run('sandbox: list', () => store.listSandboxMessages(owner.accountId, pin.to, 10));
  await run('sandbox: audio', () => store.getSandboxAudio(owner.accountId, delivery.id));
  await store.enqueueWebhook(webhookEvent(delivery.id, { accountId: owner.accountId, applicationId: owner.applicationId }));
  await run('webhooks: claim', () => store.claimWebhooks('w', now, MINUTE, 10));
  await run('webhooks: list', () => store.listWebhooks(delivery.id));
  await run('charges', () => store.listCharges(owner.accountId, 20));
  await run('SMS receipts: expect', () => store.expectReceipts(delivery.id, 'smsc-a', ['m1', 'm2'], now + DAY));
  await run('SMS receipts: settle a delivered part', () => store.settleReceipt('smsc-a', 'm1', true));
  await run('SMS receipts: settle a failed part', () => store.settleReceipt('smsc-a', 'm2', false));
  await run('prune', () => store.pruneBefore(now, DAY));
}

const explainable = (sql: string) => /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i.test(sql) && !/schema_migrations|pg_advisory/i.test(sql);

function byLabel(recorded: Recorded[]): Map<string, Recorded[]> {
  const m = new Map<string, Recorded[]>();
  for (const r of recorded) if (r.label && explainable(r.sql)) m.set(r.label, [...(m.get(r.label) ?? []), r]);
  return m;
}

describe('query plans on SQLite: hot queries and housekeeping search indexes, never scan a table', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'open2fa-plans-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const recorded: Recorded[] = [];
  let label = '';
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (this: Database.Database, sql: string) {
    recorded.push({ label, sql, params: [] });
    return prepare.call(this, sql);
  } as typeof prepare;
  const file = join(dir, 'open2fa.sqlite');
  const store = createSqliteStore(file);
  try {
    await exercise(store, (l) => { label = l; });
  } finally {
    Database.prototype.prepare = prepare;
    await store.close();
  }
  const db = new Database(file, { readonly: true });
  after(() => db.close());
  const groups = byLabel(recorded);
  assert.ok(groups.size >= 20, `recorded ${groups.size} labels`);
  for (const [name, statements] of groups) {
    test(name, () => {
      const problems: string[] = [];
      for (const { sql } of statements) {
        const names = [...new Set([...sql.matchAll(/@(\w+)/g)].map((m) => m[1] as string))];
        const params = names.length ? [Object.fromEntries(names.map((n) => [n, null]))] : Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => null);
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
        if (process.env.PLANS_VERBOSE) console.log(`${name}: ${sql.replace(/\s+/g, ' ')}\n  → ${plan.join(' | ')}`);
        const bad = plan.filter((d) => TABLES.some((t) => new RegExp(`^SCAN ${t}\\b`).test(d)) || broadSearch(d, sql, plan));
        if (bad.length) problems.push(`${sql.replace(/\s+/g, ' ')}\n  plan: ${plan.join(' | ')}`);
      }
      assert.deepEqual(problems, []);
    });
  }
});

const url = PG_URL;
await whenPostgres('query plans on PostgreSQL', () => describe('query plans on PostgreSQL (enable_seqscan off): hot queries and housekeeping use index conditions', async () => {
  const schema = `o2_plans_${randomBytes(4).toString('hex')}`;
  const recorded: Recorded[] = [];
  let label = '';
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    if (typeof args[0] === 'string') recorded.push({ label, sql: args[0], params: Array.isArray(args[1]) ? args[1] : [] });
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  const store = createPostgresStore(url, { schema, poolSize: 2 });
  try {
    await exercise(store, (l) => { label = l; });
  } finally {
    pg.Client.prototype.query = query;
    await store.close();
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  after(async () => { await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`); await client.end(); });
  await client.query(`SET search_path = ${pg.escapeIdentifier(schema)}`);
  // With tables this small, the planner would read whole tables or indexes for a hash join; switched off, it
  // shows whether an index path exists at all, which is what real data with its statistics then uses.
  for (const off of ['enable_seqscan', 'enable_hashjoin', 'enable_mergejoin']) await client.query(`SET ${off} = off`);
  const leading = new Map((await client.query<{ indexname: string; indexdef: string }>('SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1', [schema]))
    .rows.map((r) => [r.indexname, /\((\w+)/.exec(r.indexdef)?.[1] ?? '']));
  for (const [name, statements] of byLabel(recorded)) {
    test(name, async () => {
      const problems: string[] = [];
      for (const { sql, params } of statements) {
        const [row] = (await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, params)).rows as { 'QUERY PLAN': [{ Plan: PlanNode }] }[];
        const plan = row!['QUERY PLAN'][0].Plan;
        if (process.env.PLANS_VERBOSE) console.log(`${name}: ${sql.replace(/\s+/g, ' ')}\n  → ${summary(plan)}`);
        const bad = fullReads(plan, leading);
        if (bad.length) problems.push(`${sql.replace(/\s+/g, ' ')}\n  ${bad.join('; ')}\n  plan: ${summary(plan)}`);
      }
      assert.deepEqual(problems, []);
    });
  }
}));

const summary = (n: PlanNode): string =>
  `${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : n['Relation Name'] ? ` ${n['Relation Name']}` : ''}${n.Plans ? `(${n.Plans.map(summary).join(', ')})` : ''}`;

interface PlanNode { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; 'Index Cond'?: string; Plans?: PlanNode[] }

/**
 * SQLite: a search on nothing but a column most rows share (`state`, the account, the application)
 * reads a share of the whole history, unless the state is a transient one (a queue's backlog) or
 * the index is walked in the query's order and stops at its LIMIT.
 */
function broadSearch(detail: string, sql: string, plan: string[]): boolean {
  const m = /^SEARCH \w+ USING (?:COVERING )?INDEX \w+ \((.*)\)$/.exec(detail);
  if (!m) return false;
  if (/\bLIMIT\b/.test(sql) && !plan.some((d) => d.includes('TEMP B-TREE'))) return false; // an ordered walk that stops at the LIMIT
  const columns = (m[1] as string).split(' AND ').map((c) => c.replace(/[=<>].*$/, ''));
  if (!columns.every((c) => ['state', 'account_id', 'application_id'].includes(c))) return false;
  return !(columns.length === 1 && columns[0] === 'state' && /state = '(queued|running|waiting|pending)'/.test(sql));
}

/** PostgreSQL: seq scans of a table, and index reads without a condition on the index's first column (whole-index reads). */
function fullReads(node: PlanNode, leading: Map<string, string>): string[] {
  const here: string[] = [];
  const table = node['Relation Name'] ?? '';
  if (node['Node Type'] === 'Seq Scan' && TABLES.includes(table)) here.push(`Seq Scan on ${table}`);
  const index = node['Index Name'];
  if (index && /Index/.test(node['Node Type'])) {
    const first = leading.get(index) ?? '?';
    if (!new RegExp(`\\b${first}\\b`).test(node['Index Cond'] ?? '')) here.push(`${node['Node Type']} of ${index} without a condition on ${first}`);
  }
  return [...here, ...(node.Plans ?? []).flatMap((n) => fullReads(n, leading))];
}
