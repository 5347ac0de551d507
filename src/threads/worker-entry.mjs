// Entry of open2fa's worker threads (SQLite, speech synthesis): loads the TypeScript module named
// in workerData.module. Loader hooks registered with module.register() (bin/open2fa.js runs
// TypeScript through tsx that way) do not reach worker threads, so the thread registers tsx
// itself when it cannot load TypeScript yet; the query string keeps the failed first import out
// of the module cache.
import { workerData } from 'node:worker_threads';

const { module } = workerData;
try {
  await import(module);
} catch (err) {
  if (err?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw err;
  const { register } = await import('tsx/esm/api');
  register();
  await import(`${module}?tsx`);
}
