import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { startCheckpointThread, WRITER_CHECKPOINT_PAGES } from '../../src/storage/sqlite/checkpoint-thread.ts';
import { openSqlite } from '../../src/storage/sqlite/sqlite-database.ts';
import { createSqliteStore } from '../../src/storage/sqlite/sqlite-store.ts';

const PAGE = 4096;
const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);

/** A writer as the store opens it (WAL, synchronous=NORMAL), its own checkpoint moved to the backstop. */
function openWriter(dir: string) {
  const file = join(dir, 'db.sqlite');
  const db = openSqlite(file);
  db.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  /** `pages` pages of new rows in transactions of ~8 pages, like a group commit of sends. */
  const write = (pages: number) => {
    const tx = db.transaction(() => { for (let i = 0; i < 8; i++) insert.run(Buffer.alloc(PAGE - 200, i)); });
    for (let done = 0; done < pages; done += 8) tx();
  };
  return { file, db, write };
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(20)) if (check()) return true;
  return check();
}

describe('SQLite checkpoint thread', () => {
  test('copies committed pages into the database file while the writer is below its own checkpoint mark', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'open2fa-ckpt-'));
    const w = openWriter(dir);
    const thread = startCheckpointThread(w.file, { idlePauseMs: 20 });
    try {
      const before = size(w.file);
      w.write(2000); // half of the writer's mark: SQLite alone would leave all of it in the WAL
      assert.ok(size(`${w.file}-wal`) > 1900 * PAGE, 'the pages are in the WAL first');
      const copied = await waitFor(() => size(w.file) - before > 1900 * PAGE, 5000);
      assert.ok(copied, `the database file grew by ${size(w.file) - before} bytes, expected the ~${2000 * PAGE} written`);
    } finally {
      await thread.stop();
      w.db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('without it the same writes stay in the WAL (what the test above would see if the thread did nothing)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'open2fa-ckpt-'));
    const w = openWriter(dir);
    try {
      const before = size(w.file);
      w.write(2000);
      assert.ok(size(w.file) - before < 100 * PAGE, 'nothing was checkpointed');
    } finally {
      w.db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('under steady writes the WAL stays bounded by the writer\'s backstop and every row reaches the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'open2fa-ckpt-'));
    const w = openWriter(dir);
    const thread = startCheckpointThread(w.file, { busyPauseMs: 1, idlePauseMs: 5 });
    try {
      let largestWal = 0;
      for (let round = 0; round < 50; round++) { // 20,000 pages (~80 MB) with pauses, as a busy server writes
        w.write(400);
        largestWal = Math.max(largestWal, size(`${w.file}-wal`));
        await sleep(2);
      }
      // Bounded, with room for the bursts written while the thread holds the checkpoint (the
      // writer's backstop then waits for its next commit); unbounded it would reach ~80 MB.
      assert.ok(largestWal < 2 * WRITER_CHECKPOINT_PAGES * (PAGE + 24), `the WAL reached ${largestWal} bytes`);
      assert.equal((w.db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 50 * 400);
    } finally {
      await thread.stop();
      w.db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a store with the thread closes cleanly: the thread ends first, the last connection removes the WAL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'open2fa-ckpt-'));
    const file = join(dir, 'open2fa.sqlite');
    try {
      const store = createSqliteStore(file, { checkpointThread: true });
      await store.migrate();
      assert.ok(existsSync(`${file}-wal`));
      await store.close();
      assert.equal(existsSync(`${file}-wal`), false, 'no connection is left open on the file');
      const again = createSqliteStore(file, { checkpointThread: true });
      assert.equal(await again.migrate(), 0, 'the schema was all in the file');
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
