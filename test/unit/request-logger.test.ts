import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { createLogger } from '../../src/app/logger.ts';
import { lazyRequestLogger } from '../../src/http/request-logger.ts';

/** Fastify's per-request logger, made lazily (http/request-logger.ts). */

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const out = new Writable({ write(chunk, _enc, cb) { lines.push(JSON.parse(String(chunk))); cb(); } });
  return { logger: createLogger(level, out), lines };
}

describe('lazy request logger', () => {
  test('no pino child is made while nothing is written at an enabled level', () => {
    const { logger, lines } = capture('warn');
    let children = 0;
    const child = logger.child.bind(logger);
    logger.child = ((...args: Parameters<typeof child>) => { children++; return child(...args); }) as typeof logger.child;
    const log = lazyRequestLogger(logger, { reqId: 'r-1' }, {});
    log.info('incoming request');
    log.debug({ pin: '1234' }, 'details');
    assert.equal(children, 0);
    assert.equal(log.level, 'warn');
    log.warn({ pin: '1234' }, 'slow');
    log.error('failed');
    assert.equal(children, 1, 'one child, made at the first enabled line');
    assert.deepEqual(lines.map((l) => [l.reqId, l.msg, l.pin]), [['r-1', 'slow', '[redacted]'], ['r-1', 'failed', undefined]]);
  });

  test('a line at an enabled level carries the bindings, as pino child lines do', () => {
    const { logger, lines } = capture('info');
    const log = lazyRequestLogger(logger, { reqId: 'r-2' }, {});
    log.info({ res: { statusCode: 200 } }, 'request completed');
    log.child({ deliveryId: 'D' }).info('nested');
    assert.deepEqual(lines.map((l) => [l.reqId, l.msg]), [['r-2', 'request completed'], ['r-2', 'nested']]);
    assert.equal((lines[1] as Record<string, unknown>).deliveryId, 'D');
  });
});
