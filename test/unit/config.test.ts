import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/load.ts';

/** One validated schema; defaults < config file < environment; a bad value names its key. */

function file(t: TestContext, name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'open2fa-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function throwsNaming(fn: () => unknown, key: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `ConfigError expected, got ${String(err)}`);
    assert.match(err.message, key);
    return true;
  });
}

describe('config sources', () => {
  test('defaults when nothing is given', () => {
    const c = loadConfig({ env: {} });
    assert.equal(c.port, 3000);
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.dataDir, './data');
    assert.equal(c.logLevel, 'info');
    assert.equal(c.http.bodyLimitBytes, 65536);
    assert.equal(c.http.trustProxy, false);
    assert.equal(c.delivery.concurrency, 64);
    assert.equal(c.databaseUrl, undefined);
  });

  test('a YAML file overrides defaults; the environment overrides the file', (t) => {
    const path = file(t, 'open2fa.yaml', 'port: 4000\nhost: 127.0.0.1\nlogLevel: warn\ndelivery:\n  concurrency: 8\n  maxAttempts: 3\nhttp:\n  bodyLimitBytes: 4096\n');
    const fromFile = loadConfig({ file: path, env: {} });
    assert.equal(fromFile.port, 4000);
    assert.equal(fromFile.host, '127.0.0.1');
    assert.equal(fromFile.logLevel, 'warn');
    assert.equal(fromFile.delivery.concurrency, 8);
    assert.equal(fromFile.delivery.maxAttempts, 3);
    assert.equal(fromFile.delivery.pollMs, 500, 'defaults fill what the file leaves out of a section');
    assert.equal(fromFile.http.bodyLimitBytes, 4096);

    const withEnv = loadConfig({ file: path, env: { PORT: '5000', OPEN2FA_LOG_LEVEL: 'error', OPEN2FA_DELIVERY_CONCURRENCY: '16' } });
    assert.equal(withEnv.port, 5000);
    assert.equal(withEnv.logLevel, 'error');
    assert.equal(withEnv.delivery.concurrency, 16);
    assert.equal(withEnv.delivery.maxAttempts, 3, 'the env sets one key of a section; the file keeps the rest');
    assert.equal(withEnv.host, '127.0.0.1');
  });

  test('OPEN2FA_CONFIG names the file; JSON files work too', (t) => {
    const path = file(t, 'open2fa.json', JSON.stringify({ port: 4100, dataDir: '/var/lib/open2fa' }));
    const c = loadConfig({ env: { OPEN2FA_CONFIG: path } });
    assert.equal(c.port, 4100);
    assert.equal(c.dataDir, '/var/lib/open2fa');
  });

  test('an empty environment value does not override', (t) => {
    const path = file(t, 'c.yaml', 'port: 4000\n');
    assert.equal(loadConfig({ file: path, env: { PORT: '' } }).port, 4000);
  });

  test('string settings keep digit-only values as strings', () => {
    const c = loadConfig({ env: { OPEN2FA_DATA_DIR: '2026', OPEN2FA_BOOTSTRAP_API_KEY: '12345678901234567890', OPEN2FA_SECRET: '1'.repeat(64) } });
    assert.equal(c.dataDir, '2026');
    assert.equal(c.bootstrapApiKey, '12345678901234567890');
    assert.equal(c.secret, '1'.repeat(64));
  });
});

describe('bad values stop the start with a message naming the key', () => {
  test('environment values', () => {
    throwsNaming(() => loadConfig({ env: { PORT: 'eighty' } }), /port/);
    throwsNaming(() => loadConfig({ env: { PORT: '70000' } }), /port/);
    throwsNaming(() => loadConfig({ env: { OPEN2FA_LOG_LEVEL: 'loud' } }), /logLevel/);
    throwsNaming(() => loadConfig({ env: { DATABASE_URL: 'mysql://x' } }), /databaseUrl: must start with postgres/);
    throwsNaming(() => loadConfig({ env: { OPEN2FA_SECRET: 'short' } }), /secret: must be at least 32 characters/);
    throwsNaming(() => loadConfig({ env: { OPEN2FA_BOOTSTRAP_API_KEY: 'tiny' } }), /bootstrapApiKey/);
    throwsNaming(() => loadConfig({ env: { OPEN2FA_DELIVERY_CONCURRENCY: '0' } }), /delivery\.concurrency/);
    throwsNaming(() => loadConfig({ env: { OPEN2FA_PUBLIC_URL: 'not a url' } }), /publicUrl/);
  });

  test('file values, with the full dotted key', (t) => {
    throwsNaming(() => loadConfig({ file: file(t, 'a.yaml', 'http:\n  bodyLimitBytes: 10\n'), env: {} }), /http\.bodyLimitBytes/);
    throwsNaming(() => loadConfig({ file: file(t, 'b.yaml', 'delivery:\n  maxAttempts: "many"\n'), env: {} }), /delivery\.maxAttempts/);
    throwsNaming(() => loadConfig({ file: file(t, 'c.json', '{"http":{"trustProxy":"yes"}}'), env: {} }), /http\.trustProxy/);
    throwsNaming(() => loadConfig({ file: file(t, 'd.yaml', 'idempotencyTtlMs: 5\n'), env: {} }), /idempotencyTtlMs/);
  });

  test('several bad values are all named', () => {
    assert.throws(() => loadConfig({ env: { PORT: 'x', OPEN2FA_LOG_LEVEL: 'y' } }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /port/);
      assert.match(err.message, /logLevel/);
      return true;
    });
  });

  test('an unreadable or unparsable file is named', (t) => {
    throwsNaming(() => loadConfig({ file: '/nonexistent/open2fa.yaml', env: {} }), /Cannot read config file \/nonexistent\/open2fa\.yaml/);
    const yaml = file(t, 'broken.yaml', 'port: [1, 2\n');
    throwsNaming(() => loadConfig({ file: yaml, env: {} }), new RegExp(`${yaml.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid YAML`));
    const json = file(t, 'broken.json', '{"port": }');
    throwsNaming(() => loadConfig({ file: json, env: {} }), /is not valid JSON/);
  });

  test('a file that is not a mapping of keys is refused, not silently ignored', (t) => {
    throwsNaming(() => loadConfig({ file: file(t, 'scalar.yaml', 'port 4000\n'), env: {} }), /scalar\.yaml/);
    throwsNaming(() => loadConfig({ file: file(t, 'list.yaml', '- port: 4000\n'), env: {} }), /list\.yaml|\(root\)/);
    // An empty file is an empty configuration.
    assert.equal(loadConfig({ file: file(t, 'empty.yaml', ''), env: {} }).port, 3000);
  });
});
