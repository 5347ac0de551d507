import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapCallOutcome, statusFromSipCode, type CallOutcome } from '../../../src/channels/voice/sip/status-mapping.ts';

test('SIP final codes map per the reference table', () => {
  const table: Array<[number, string]> = [
    [486, 'ERROR_USER_BUSY'], [600, 'ERROR_USER_BUSY'], [603, 'ERROR_USER_BUSY'],
    [480, 'ERROR_NO_ANSWER'], [408, 'ERROR_NO_ANSWER'], [487, 'ERROR_NO_ANSWER'],
    [404, 'ERROR_ROUTE_NOT_AVAILABLE'], [410, 'ERROR_ROUTE_NOT_AVAILABLE'], [484, 'ERROR_ROUTE_NOT_AVAILABLE'],
    [485, 'ERROR_ROUTE_NOT_AVAILABLE'], [604, 'ERROR_ROUTE_NOT_AVAILABLE'],
    [500, 'ERROR_NETWORK_NOT_AVAILABLE'], [502, 'ERROR_NETWORK_NOT_AVAILABLE'], [503, 'ERROR_NETWORK_NOT_AVAILABLE'], [504, 'ERROR_NETWORK_NOT_AVAILABLE'],
    [301, 'ERROR'], [302, 'ERROR'], [401, 'ERROR'], [403, 'ERROR'], [407, 'ERROR'], [488, 'ERROR'], [606, 'ERROR'], [415, 'ERROR'], [501, 'ERROR'],
  ];
  for (const [code, status] of table) assert.equal(statusFromSipCode(code), status, `SIP ${code}`);
});

test('trunkFailure only for 500/502/503/504, no response and transport failures', () => {
  const rejected = (sipCode: number): CallOutcome => ({ kind: 'rejected', sipCode });
  for (const code of [500, 502, 503, 504]) assert.equal(mapCallOutcome(rejected(code)).trunkFailure, true, `SIP ${code}`);
  for (const code of [404, 480, 486, 501, 505, 600, 603]) assert.equal(mapCallOutcome(rejected(code)).trunkFailure, false, `SIP ${code}`);
  assert.deepEqual(mapCallOutcome({ kind: 'no-response' }), { status: 'ERROR_NETWORK_NOT_AVAILABLE', trunkFailure: true });
  assert.deepEqual(mapCallOutcome({ kind: 'transport-failure' }), { status: 'ERROR_NETWORK_NOT_AVAILABLE', trunkFailure: true });
});

test('a Q.850 cause in Reason wins over the SIP code', () => {
  assert.equal(mapCallOutcome({ kind: 'rejected', sipCode: 480, q850Cause: 17 }).status, 'ERROR_USER_BUSY');
  assert.equal(mapCallOutcome({ kind: 'rejected', sipCode: 503, q850Cause: 1 }).status, 'ERROR_ROUTE_NOT_AVAILABLE');
  assert.equal(mapCallOutcome({ kind: 'rejected', sipCode: 503, q850Cause: 1 }).trunkFailure, false);
  assert.deepEqual(mapCallOutcome({ kind: 'rejected', sipCode: 503, q850Cause: 34 }), { status: 'ERROR_NETWORK_NOT_AVAILABLE', trunkFailure: true });
  assert.equal(mapCallOutcome({ kind: 'rejected', sipCode: 404, q850Cause: 19 }).status, 'ERROR_NO_ANSWER');
  // Causes that say nothing about the failure fall back to the code.
  assert.equal(mapCallOutcome({ kind: 'rejected', sipCode: 486, q850Cause: 16 }).status, 'ERROR_USER_BUSY');
});

test('answered, ring timeout, auth and internal outcomes', () => {
  assert.deepEqual(mapCallOutcome({ kind: 'answered', machine: false }), { status: 'PROCESSED', trunkFailure: false });
  assert.deepEqual(mapCallOutcome({ kind: 'answered', machine: true }), { status: 'ANSWERED_MACHINE', trunkFailure: false });
  assert.equal(mapCallOutcome({ kind: 'rejected', sipCode: 487, cancelledByUs: true }).status, 'ERROR_NO_ANSWER');
  assert.equal(mapCallOutcome({ kind: 'answered-after-cancel' }).status, 'ERROR_NO_ANSWER');
  assert.equal(mapCallOutcome({ kind: 'ring-timeout' }).status, 'ERROR_NO_ANSWER');
  assert.equal(mapCallOutcome({ kind: 'auth-failed', sipCode: 401 }).status, 'ERROR');
  assert.equal(mapCallOutcome({ kind: 'media-failure' }).status, 'ERROR');
  assert.equal(mapCallOutcome({ kind: 'aborted' }).status, 'ERROR');
  assert.equal(mapCallOutcome({ kind: 'internal-error' }).status, 'ERROR');
});
