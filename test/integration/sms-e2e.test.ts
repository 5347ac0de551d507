/**
 * SMS PINs through the HTTP API to a real SMPP peer: the `smpp` package's server in process on
 * 127.0.0.1, configured as open2fa's sms channel. submit_sm contents and addressing, the
 * DELIVRD receipt on the status endpoint, every ncStatus path, and a resend by (sandbox) voice.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { createAppAndTemplate, type Harness, pinIn, sandboxMessages, sendPin, startServer } from '../helpers/harness.ts';
import { type FakeSmsc, startFakeSmsc } from '../sms/helpers/fake-smsc.ts';

const POSSIBLE = '41793026727';
/** 15 digits after +385: no Croatian number is that long, so the builtin lookup calls it impossible. */
const IMPOSSIBLE = '385717284759547';

async function setup(t: TestContext, config: Record<string, unknown> = {}) {
  const smsc = await startFakeSmsc({ receiptStat: () => 'DELIVRD' });
  const h = await startServer(t, {
    config: { sms: { smscs: [{ name: 'fake', host: '127.0.0.1', port: smsc.port, systemId: 'open2fa', password: 'secret' }], routes: [] }, ...config },
  });
  t.after(() => smsc.close()); // after the server's teardown (registered first) unbinds
  assert.equal(h.o2.channels.describe().sms, 'sms', 'the SMPP channel, not the sandbox');
  const { appId, messageId } = await createAppAndTemplate(h, { template: { messageText: 'Acme: your PIN is {{pin}}. Valid 15 min.', senderId: 'Acme' } });
  return { h, smsc, base: { applicationId: appId, messageId } };
}

async function finalDelivery(h: Harness, pinId: string) {
  for (let i = 0; i < 200; i++) {
    const s = await h.call('GET', `/2fa/2/pin/${pinId}/status`);
    const d = s.body.deliveries?.[0];
    if (d?.final) return d;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no final status within 5 s');
}

const textOf = (smsc: FakeSmsc, i: number) => (smsc.submits[i]?.short_message as { message: string } | undefined)?.message ?? assert.fail(`no submit_sm #${i}`);

test('SMS PIN over SMPP: submit_sm with rendered text, PIN and addressing; DELIVRD receipt → DELIVERED_TO_HANDSET', async (t) => {
  const { h, smsc, base } = await setup(t);
  const sent = await sendPin(h, { ...base, to: `+${POSSIBLE}` });
  assert.deepEqual(sent, { pinId: sent.pinId, to: POSSIBLE, ncStatus: 'NC_DESTINATION_UNKNOWN', smsStatus: 'MESSAGE_SENT' });

  const delivery = await finalDelivery(h, sent.pinId);
  assert.equal(delivery.smsStatus, 'DELIVERED_TO_HANDSET');
  assert.equal(delivery.resultCode, 'SMPP stat:DELIVRD err:000');
  assert.equal(delivery.providerMessageId, 'fake-1');
  assert.equal(smsc.submits.length, 1);
  const [submit] = smsc.submits;
  const pin = pinIn(textOf(smsc, 0));
  assert.equal(textOf(smsc, 0), `Acme: your PIN is ${pin}. Valid 15 min.`);
  assert.deepEqual([submit!.source_addr, submit!.source_addr_ton, submit!.source_addr_npi], ['Acme', 5, 0], 'alphanumeric sender: TON 5, NPI 0');
  assert.deepEqual([submit!.destination_addr, submit!.dest_addr_ton, submit!.dest_addr_npi], [POSSIBLE, 1, 1]);
  assert.equal(submit!.registered_delivery, 1, 'a receipt was asked for');
  assert.equal(smsc.receiptAcks.length, 1, 'the receipt was acknowledged');

  const verified = await h.call('POST', `/2fa/2/pin/${sent.pinId}/verify`, { pin });
  assert.equal(verified.body.verified, true);
  const sentFilter = await h.call('GET', `/2fa/2/applications/${base.applicationId}/verifications?msisdn=${POSSIBLE}&sent=true`);
  assert.equal(sentFilter.body.verifications.length, 1, 'a delivered SMS counts as sent');
});

test('builtin lookup: an impossible number → NC_DESTINATION_NOT_REACHABLE, MESSAGE_NOT_SENT, nothing submitted; ncNeeded=false → no ncStatus', async (t) => {
  const { h, smsc, base } = await setup(t);
  const refused = await sendPin(h, { ...base, to: IMPOSSIBLE });
  assert.deepEqual(refused, { pinId: refused.pinId, to: IMPOSSIBLE, ncStatus: 'NC_DESTINATION_NOT_REACHABLE', smsStatus: 'MESSAGE_NOT_SENT' });
  const d = await finalDelivery(h, refused.pinId);
  assert.equal(d.smsStatus, 'REJECTED_DESTINATION');
  await h.o2.worker.drain();
  assert.equal(smsc.submits.length, 0, 'no submit_sm for an unreachable destination');

  // Without the lookup the number goes out as asked, with a numeric sender (TON 1 / NPI 1).
  const unchecked = await sendPin(h, { ...base, to: POSSIBLE, from: '41441234567' }, { path: '/2fa/2/pin?ncNeeded=false' });
  assert.deepEqual(unchecked, { pinId: unchecked.pinId, to: POSSIBLE, smsStatus: 'MESSAGE_SENT' });
  assert.equal((await finalDelivery(h, unchecked.pinId)).smsStatus, 'DELIVERED_TO_HANDSET');
  assert.equal(smsc.submits.length, 1);
  assert.deepEqual([smsc.submits[0]!.source_addr, smsc.submits[0]!.source_addr_ton, smsc.submits[0]!.source_addr_npi], ['41441234567', 1, 1]);
});

test('numberLookup provider none → NC_NOT_CONFIGURED and the SMS is sent', async (t) => {
  const { h, smsc, base } = await setup(t, { numberLookup: { provider: 'none' } });
  const sent = await sendPin(h, { ...base, to: POSSIBLE });
  assert.equal(sent.ncStatus, 'NC_NOT_CONFIGURED');
  assert.equal(sent.smsStatus, 'MESSAGE_SENT');
  assert.equal((await finalDelivery(h, sent.pinId)).smsStatus, 'DELIVERED_TO_HANDSET');
  assert.equal(smsc.submits.length, 1);
});

test('numberLookup provider http → the HLR service\'s status; it is asked with the number', async (t) => {
  const asked: unknown[] = [];
  const hlr = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      asked.push(JSON.parse(body));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'NC_DESTINATION_REACHABLE' }));
    });
  });
  await new Promise<void>((r) => hlr.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => hlr.close(() => r())));
  const url = `http://127.0.0.1:${(hlr.address() as AddressInfo).port}/lookup`;
  const { h, smsc, base } = await setup(t, { numberLookup: { provider: 'http', url } });
  const sent = await sendPin(h, { ...base, to: POSSIBLE });
  assert.equal(sent.ncStatus, 'NC_DESTINATION_REACHABLE');
  assert.equal(sent.smsStatus, 'MESSAGE_SENT');
  assert.deepEqual(asked, [{ to: POSSIBLE }]);
  await finalDelivery(h, sent.pinId);
  assert.equal(smsc.submits.length, 1);
});

test('an SMS PIN resent by voice (sandbox voice) carries the same PIN as the submit_sm', async (t) => {
  const { h, smsc, base } = await setup(t);
  const sent = await sendPin(h, { ...base, to: POSSIBLE });
  await finalDelivery(h, sent.pinId);
  const smsPin = pinIn(textOf(smsc, 0));

  const voice = await h.call('POST', `/2fa/2/pin/${sent.pinId}/resend/voice`, {});
  assert.equal(voice.status, 200, JSON.stringify(voice.body));
  assert.deepEqual(voice.body, { pinId: sent.pinId, to: POSSIBLE, callStatus: 'PROCESSING' });
  const captured = await sandboxMessages(h, POSSIBLE);
  assert.deepEqual(captured.map((m) => m.channel), ['voice'], 'the SMS went to the SMSC, only the call to the sandbox');
  assert.equal(pinIn(captured[0].text), smsPin);
  assert.equal(smsc.submits.length, 1, 'the voice resend submitted no SMS');
  const status = await h.call('GET', `/2fa/2/pin/${sent.pinId}/status`);
  assert.deepEqual(status.body.deliveries.map((d: any) => d.channel).sort(), ['sms', 'voice']);
});
