// Entry of the SQLite thread. Loader hooks registered with module.register() (bin/open2fa.js runs
// TypeScript through tsx that way) do not reach worker threads, so the thread registers tsx
// itself when it cannot load TypeScript yet. The query string keeps the failed first import out
// of the module cache.
try {
  await import('./sqlite-thread-worker.ts');
} catch (err) {
  if (err?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw err;
  const { register } = await import('tsx/esm/api');
  register();
  await import('./sqlite-thread-worker.ts?tsx');
}
