import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * The checkpoint thread (checkpoint-thread.ts): a connection of its own to the store's file that
 * runs PASSIVE checkpoints — again soon while there are frames to copy, less often when idle.
 * A PASSIVE checkpoint never waits for a lock and never blocks the writer; when another
 * checkpoint is running (the writer's backstop) it simply does nothing this time.
 */
const port = parentPort;
if (!port) throw new Error('checkpoint-worker runs only as a worker thread');
const { file, busyPauseMs, idlePauseMs } = workerData as { file: string; busyPauseMs: number; idlePauseMs: number };

const db = new Database(file, { fileMustExist: true });
// The checkpoint syncs the WAL before copying and the database file after, as the writer's own
// would (synchronous=NORMAL: durable across process crashes; sqlite-database.ts).
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 0');

let timer: NodeJS.Timeout | undefined;
let stopped = false;
let lastLog = -1;

function checkpoint(): void {
  let writing = false;
  try {
    // One row: busy (0/1), frames in the WAL, frames of it copied into the database file. A WAL
    // that grew since the last look is being written to: look again soon. Nothing new to copy
    // costs a few microseconds (no copy, no sync).
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    writing = row !== undefined && row.log !== lastLog;
    lastLog = row?.log ?? -1;
  } catch {
    // SQLITE_BUSY and the like (the writer's backstop checkpoint is running): try again later.
  }
  if (!stopped) timer = setTimeout(checkpoint, writing ? busyPauseMs : idlePauseMs);
}

port.on('message', (message) => {
  if (message !== 'stop') return;
  stopped = true;
  clearTimeout(timer);
  db.close();
  port.close();
});
timer = setTimeout(checkpoint, idlePauseMs);
