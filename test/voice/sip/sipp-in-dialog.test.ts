/**
 * The far end drives the dialog (sipp sends the requests): OPTIONS, INFO DTMF, re-INVITE, and
 * finally its own BYE. sipp waits for a 200 to each, so its exit code proves every answer. 127.0.14.x.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeCall } from '../../../src/channels/voice/sip/place-call.ts';
import { getHeader } from '../../../src/channels/voice/sip/sip-message.ts';
import { parseLoggedHeaders } from './sipp-harness.ts';
import { farEndRequestsScenario } from './sipp-scenarios.ts';
import { callRequest, sippFor, assertSippSucceeded } from './call-fixtures.ts';
import { syntheticPrompt } from './audio-fixtures.ts';

test('far end: OPTIONS/INFO(dtmf-relay)/re-INVITE get 200, INFO "1#" replays, its BYE ends the call → PROCESSED', async (t) => {
  const peer = await sippFor(t, { name: 'far-end', ip: '127.0.14.1', port: 5070, scenario: farEndRequestsScenario('far-end') });
  const events: string[] = [];
  const result = await placeCall(callRequest(peer.opts, {
    prompt: syntheticPrompt(3000), repeatDTMF: '1#', listenAfterPromptMs: 5000,
    onEvent: (e) => events.push(e.type + (e.detail ? `:${e.detail}` : '')),
  }));
  assert.equal(result.status, 'PROCESSED', JSON.stringify(result));
  assert.equal(result.dtmfDigits, '1#');
  assert.equal(result.dtmfRepeats, 1);
  assert.ok(events.includes('replay:1'));
  // Ended by sipp's BYE (~1.5 s after answer), long before our 3 s prompt + 5 s listening would.
  const talkMs = result.endedAt - result.answeredAt!;
  assert.ok(talkMs < 3000, `call lasted ${talkMs} ms`);
  await assertSippSucceeded(peer);
  // Our 200 to the re-INVITE carried the same SDP we offered.
  const sent = peer.messages.split(/^-{20,} .*$/m).filter((b) => /received/.test(b) && /^SIP\/2\.0 200 OK/m.test(b));
  const reinviteOk = sent.find((b) => /CSeq: 4 INVITE/.test(b));
  assert.ok(reinviteOk && /m=audio \d+ RTP\/AVP 0 8 101/.test(reinviteOk), 'SDP in the 200 to the re-INVITE');
  const head = reinviteOk.trim().replace(/^(UDP|TCP) message received \[\d+\] bytes :\s*/, '');
  assert.ok(getHeader(parseLoggedHeaders(head), 'contact'));
});
