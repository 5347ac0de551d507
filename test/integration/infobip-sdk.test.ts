import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { capturedPin, ID32, sandboxMessages, startServer, wrongPin } from '../helpers/harness.ts';

/**
 * The full 2FA flow driven by @infobip-api/sdk 0.3.2, unmodified, against a real server
 * (reference §13.1: the exact requests that SDK sends, trailing slashes and `ncNeeded=undefined`
 * included). Non-2xx answers come back as AxiosError values, so every call is checked for status.
 */
const { Infobip, AuthType } = createRequire(import.meta.url)('@infobip-api/sdk');

type SdkResult = { status?: number; data?: any; response?: { status: number; data: unknown }; request?: { path?: string } };

function ok(res: SdkResult, what: string): any {
  if (res instanceof Error || res.status === undefined) {
    assert.fail(`${what}: ${res.response ? `${res.response.status} ${JSON.stringify(res.response.data)}` : String(res)}`);
  }
  assert.equal(res.status, 200, `${what}: status ${res.status}`);
  return res.data;
}

test('the Infobip Node SDK 0.3.2 runs the whole 2FA flow unmodified', async (t) => {
  const h = await startServer(t);
  const ib = new Infobip({ baseUrl: h.url, authType: AuthType.ApiKey, apiKey: h.key });
  const tfa = ib.service.twoFA;

  // createApplication: defaults echoed for what was not sent, custom values kept as given.
  const created = ok(await tfa.createApplication({
    name: 'sdk app', enabled: true,
    configuration: { pinAttempts: 5, pinTimeToLive: '10m', verifyPinLimit: '100/1s', sendPinPerPhoneNumberLimit: '100/1d' },
  }), 'createApplication');
  assert.match(created.applicationId, ID32);
  assert.deepEqual(created, {
    applicationId: created.applicationId, name: 'sdk app', enabled: true,
    configuration: {
      pinAttempts: 5, allowMultiplePinVerifications: true, pinTimeToLive: '10m', verifyPinLimit: '100/1s',
      sendPinPerApplicationLimit: '10000/1d', sendPinPerPhoneNumberLimit: '100/1d',
    },
  });
  const appId: string = created.applicationId;

  const minimal = ok(await tfa.createApplication({ name: 'defaults only' }), 'createApplication (defaults)');
  assert.deepEqual(minimal.configuration, {
    pinAttempts: 10, allowMultiplePinVerifications: true, pinTimeToLive: '15m', verifyPinLimit: '1/3s',
    sendPinPerApplicationLimit: '10000/1d', sendPinPerPhoneNumberLimit: '3/1d',
  });
  assert.equal(minimal.enabled, true);

  const list = ok(await tfa.getApplications(), 'getApplications');
  assert.ok(Array.isArray(list));
  assert.deepEqual(list.map((a: any) => a.applicationId).sort(), [appId, minimal.applicationId].sort());
  assert.deepEqual(list.find((a: any) => a.applicationId === appId), created);

  assert.deepEqual(ok(await tfa.getApplication(appId), 'getApplication'), created);

  const updated = ok(await tfa.updateApplication(appId, { name: 'sdk app renamed', configuration: { pinAttempts: 3 } }), 'updateApplication');
  assert.equal(updated.name, 'sdk app renamed');
  assert.equal(updated.configuration.pinAttempts, 3);
  assert.equal(updated.configuration.pinTimeToLive, '10m', 'PUT merges: untouched configuration keeps its value');
  assert.equal(updated.configuration.verifyPinLimit, '100/1s');
  assert.equal(updated.enabled, true);

  // Templates.
  const template = ok(await tfa.createMessageTemplate(appId, {
    pinType: 'NUMERIC', messageText: 'Your PIN is {{pin}}', pinLength: 6, senderId: 'Open2FA',
  }), 'createMessageTemplate');
  assert.match(template.messageId, ID32);
  assert.deepEqual(template, {
    messageId: template.messageId, applicationId: appId, pinPlaceholder: '{{pin}}', messageText: 'Your PIN is {{pin}}',
    pinLength: 6, pinType: 'NUMERIC', senderId: 'Open2FA',
  }, 'absent fields (language, voiceName, repeatDTMF, speechRate, regional) are omitted, not null');
  const msgId: string = template.messageId;

  const voiceTemplate = ok(await tfa.createMessageTemplate(appId, {
    pinType: 'HEX', messageText: 'Your PIN is {{pin}}', pinLength: 4, language: 'en', voiceName: 'Joanna', repeatDTMF: '1#', speechRate: 1.5,
  }), 'createMessageTemplate (voice)');
  assert.equal(voiceTemplate.voiceName, 'Joanna');
  assert.equal(voiceTemplate.speechRate, 1.5);
  assert.equal(voiceTemplate.repeatDTMF, '1#');
  assert.equal(voiceTemplate.language, 'en');

  const templates = ok(await tfa.getMessageTemplates(appId), 'getMessageTemplates');
  assert.deepEqual(templates.map((m: any) => m.messageId).sort(), [msgId, voiceTemplate.messageId].sort());
  assert.deepEqual(ok(await tfa.getMessageTemplate(appId, msgId), 'getMessageTemplate'), template);

  const updatedTemplate = ok(await tfa.updateMessageTemplate(appId, msgId, { pinLength: 4 }), 'updateMessageTemplate');
  assert.deepEqual(updatedTemplate, { ...template, pinLength: 4 });

  // sendPINCodeSMS with the default ncNeeded: the SDK posts to /2fa/2/pin/?ncNeeded=undefined.
  const to = '41793026727';
  const sentRes = await tfa.sendPINCodeSMS({ applicationId: appId, messageId: msgId, to });
  assert.equal(sentRes.request?.path, '/2fa/2/pin/?ncNeeded=undefined', 'the SDK really sent its odd default URL');
  const sent = ok(sentRes, 'sendPINCodeSMS');
  assert.match(sent.pinId, ID32);
  assert.equal(sent.to, to);
  assert.equal(sent.smsStatus, 'MESSAGE_SENT');
  assert.equal(typeof sent.ncStatus, 'string', 'ncNeeded=undefined means true: ncStatus is present');
  assert.deepEqual(Object.keys(sent).sort(), ['ncStatus', 'pinId', 'smsStatus', 'to']);

  const noLookupRes = await tfa.sendPINCodeSMS({ applicationId: appId, messageId: msgId, to: '41793026728' }, false);
  assert.equal(noLookupRes.request?.path, '/2fa/2/pin/?ncNeeded=false');
  const noLookup = ok(noLookupRes, 'sendPINCodeSMS(false)');
  assert.deepEqual(Object.keys(noLookup).sort(), ['pinId', 'smsStatus', 'to'], 'ncNeeded=false omits ncStatus');
  assert.equal(noLookup.smsStatus, 'MESSAGE_SENT');
  assert.notEqual(noLookup.pinId, sent.pinId);

  const resent = ok(await tfa.resendPINCodeSMS(sent.pinId), 'resendPINCodeSMS');
  assert.equal(resent.pinId, sent.pinId);
  assert.equal(resent.to, to);
  assert.equal(resent.smsStatus, 'MESSAGE_SENT');

  const voice = ok(await tfa.sendPINCodeVoice({ applicationId: appId, messageId: voiceTemplate.messageId, to: '41793026729' }), 'sendPINCodeVoice');
  assert.match(voice.pinId, ID32);
  assert.deepEqual(voice, { pinId: voice.pinId, to: '41793026729', callStatus: 'PROCESSING' });

  const voiceAgain = ok(await tfa.resendPINCodeVoice(voice.pinId), 'resendPINCodeVoice');
  assert.deepEqual(voiceAgain, { pinId: voice.pinId, to: '41793026729', callStatus: 'PROCESSING' });

  // Both voice deliveries carry the same PIN (HEX, 4 characters).
  const calls = await sandboxMessages(h, '41793026729');
  assert.equal(calls.length, 2);
  assert.equal(calls[0].text, calls[1].text);
  assert.match(calls[0].text, /^Your PIN is [0-9A-F]{4}$/);

  // verifyPhoneNumber: a wrong PIN, then the PIN the sandbox captured.
  const pin = await capturedPin(h, to);
  assert.match(pin, /^\d{4}$/);
  const wrong = ok(await tfa.verifyPhoneNumber(sent.pinId, { pin: wrongPin(pin) }), 'verifyPhoneNumber (wrong)');
  assert.deepEqual(wrong, { pinId: sent.pinId, msisdn: to, verified: false, attemptsRemaining: 2, pinError: 'WRONG_PIN' });
  const right = ok(await tfa.verifyPhoneNumber(sent.pinId, { pin }), 'verifyPhoneNumber (right)');
  assert.equal(right.pinId, sent.pinId);
  assert.equal(right.msisdn, to);
  assert.equal(right.verified, true);
  assert.equal(typeof right.attemptsRemaining, 'number');
  assert.equal('pinError' in right, false, 'pinError is absent on success');

  // getVerificationStatus: GET /verifications/?msisdn=… (trailing slash).
  const statusRes = await tfa.getVerificationStatus(appId, { msisdn: to });
  assert.equal(statusRes.request?.path, `/2fa/2/applications/${appId}/verifications/?msisdn=${to}`, 'trailing slash before the query');
  assert.equal(statusRes.config?.headers?.['Content-Type'], 'application/json', 'the SDK sends Content-Type on GET too');
  const status = ok(statusRes, 'getVerificationStatus');
  assert.equal(status.verifications.length, 1);
  const [entry] = status.verifications;
  assert.equal(entry.msisdn, to);
  assert.equal(entry.verified, true);
  assert.equal(typeof entry.sentAt, 'number');
  assert.ok(entry.verifiedAt >= entry.sentAt && entry.sentAt > 1e12, 'epoch milliseconds');
  const onlyVerified = ok(await tfa.getVerificationStatus(appId, { msisdn: to, verified: true }), 'getVerificationStatus(verified)');
  assert.equal(onlyVerified.verifications.length, 1);
  const onlyUnverified = ok(await tfa.getVerificationStatus(appId, { msisdn: to, verified: false }), 'getVerificationStatus(unverified)');
  assert.deepEqual(onlyUnverified.verifications, []);
});

test('SDK error answers arrive as AxiosError with the Infobip envelope', async (t) => {
  const h = await startServer(t);
  const tfa = new Infobip({ baseUrl: h.url, authType: AuthType.ApiKey, apiKey: h.key }).service.twoFA;
  const missing = await tfa.getApplication('0933F3BC087D2A617AC6DCB2EF5B8A61');
  assert.equal(missing.response?.status, 404);
  assert.equal(missing.response.data.requestError.serviceException.messageId, 'NOT_FOUND');

  const badKey = new Infobip({ baseUrl: h.url, authType: AuthType.ApiKey, apiKey: 'not-a-key-0000000000' }).service.twoFA;
  const denied = await badKey.getApplications();
  assert.equal(denied.response?.status, 401);
  assert.deepEqual(Object.keys(denied.response.data.requestError.serviceException).sort(), ['messageId', 'text']);

  // The OAuth scheme (Bearer) carries the same key.
  const bearer = new Infobip({ baseUrl: h.url, authType: AuthType.OAuth, oauthToken: h.key }).service.twoFA;
  const viaBearer = await bearer.getApplications();
  assert.equal(viaBearer.status, 200, JSON.stringify(viaBearer.response?.data));
  assert.deepEqual(viaBearer.data, []);
});
