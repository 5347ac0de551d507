import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { groupCommit } from '../../src/storage/sqlite/group-commit.ts';

test('group commit: writes of one turn share a transaction; a failing write rolls back alone', async () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)');
  const write = groupCommit(db, (k: string, v: number) => {
    db.prepare('INSERT INTO t VALUES (?, ?)').run(k, v);
    if (v < 0) throw new Error(`negative ${k}`);
    return v * 2;
  });
  const results = await Promise.allSettled([write('a', 1), write('b', -1), write('c', 3)]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.equal((results[0] as PromiseFulfilledResult<number>).value, 2);
  assert.match(String((results[1] as PromiseRejectedResult).reason), /negative b/);
  assert.deepEqual(db.prepare('SELECT k FROM t ORDER BY k').all().map((r) => (r as { k: string }).k), ['a', 'c'], 'only b is missing: the batch was rolled back and a, c ran again alone');
  // A second turn is a new batch and still works after a failure.
  assert.equal(await write('d', 5), 10);
  assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 3);
});

test('group commit: when the commit itself fails, each write runs again alone and only the guilty one fails', async () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  // A deferred foreign key is checked at COMMIT: the whole batch's commit fails.
  db.exec('PRAGMA foreign_keys = ON; CREATE TABLE p (id TEXT PRIMARY KEY); CREATE TABLE c (pid TEXT REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)');
  const write = groupCommit(db, (k: string, orphan: boolean) => {
    db.prepare('INSERT INTO t VALUES (?)').run(k);
    if (orphan) db.prepare('INSERT INTO c VALUES (?)').run('missing');
  });
  const results = await Promise.allSettled([write('x', false), write('y', true)]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected']);
  assert.deepEqual(db.prepare('SELECT k FROM t').all(), [{ k: 'x' }], 'y left nothing behind');
});
