import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { capturedPin, newApiKey, startServer } from '../helpers/harness.ts';

/**
 * The web console in a real browser (Debian's chromium, headless, driven by playwright-core):
 * sign in, create an application and a voice template, hear the preview, send a sandbox PIN
 * through the API, watch it in the feed, verify it, watch the conversion change. A screenshot of
 * every step goes to .test-artifacts/console/ (kept by CI as artifacts).
 */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../.test-artifacts/console/', import.meta.url));
// Root in a container needs --no-sandbox; the rest keeps a test browser from calling home.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'];

const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: npm test installs it (apt-get install chromium)`;

/** WAV duration from its header (data bytes / byte rate), the reference the audio element must match. */
const wavSeconds = (wav: Buffer) => wav.readUInt32LE(40) / wav.readUInt32LE(28);

test('web console in a browser: sign in → app → voice template → preview → sandbox PIN → feed → verify → conversion', { skip }, async (t) => {
  const h = await startServer(t);
  mkdirSync(ARTIFACTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'open2fa-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 },
  });
  t.after(async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); });
  const page: Page = context.pages()[0] ?? await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  // 4xx answers the steps provoke on purpose (refused key, empty name) are logged by the browser too.
  page.on('console', (msg) => { if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text())) problems.push(`console error: ${msg.text()}`); });
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  let appId = '';
  let messageId = '';
  let pinId = '';
  const to = '41790000501';

  await t.test('sign in: a send-only key is refused with a clear message, a 2fa:manage key gets in', async () => {
    const sender = await newApiKey(h, { accountId: (await h.o2.store.findAccountByName('default'))!.id, scopes: ['2fa:pin:send'] });
    await page.goto(`${h.url}/console`);
    await page.getByLabel('API key').fill(sender.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText(/needs an API key with scope 2fa:manage/).waitFor();
    await shot('01-sign-in-refused');
    await page.getByLabel('API key').fill(h.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).waitFor();
    await page.getByTestId('kpi-conversion').waitFor();
    assert.equal(await page.evaluate('sessionStorage.length'), 1, 'the key is kept in this tab only');
    await shot('02-signed-in');
  });

  await t.test('create an application', async () => {
    await page.getByRole('link', { name: 'Applications' }).click();
    const create = page.getByRole('form', { name: 'New application' });
    await create.getByRole('button', { name: 'Create application' }).click();
    await create.getByText('is required').waitFor(); // the API's own validation, shown on the field
    await create.getByLabel('Name').fill('Console demo');
    await create.getByLabel('PIN lifetime').fill('10m');
    await create.getByRole('button', { name: 'Create application' }).click();
    await page.getByRole('heading', { name: 'Console demo', level: 2 }).waitFor();
    appId = decodeURIComponent(/#\/apps\/([^/]+)$/.exec(page.url())?.[1] ?? '');
    const stored = await h.call('GET', `/2fa/2/applications/${appId}`);
    assert.equal(stored.body.configuration.pinTimeToLive, '10m');
    await shot('03-application-created');
  });

  await t.test('create a voice template', async () => {
    const create = page.getByRole('form', { name: 'New SMS / voice template' });
    await create.getByLabel('Message text').fill('Your PIN is {{pin}}. Once more: {{pin}}.');
    await create.getByLabel('PIN length').fill('5');
    await create.getByLabel('Language').selectOption('en');
    const voice = create.getByLabel('Voice');
    await page.waitForFunction((el) => (el as unknown as { options: { length: number } }).options.length > 2, await voice.elementHandle());
    await voice.selectOption({ index: 2 });
    await create.getByLabel('Speech rate').fill('1.2');
    await create.getByRole('button', { name: 'Create template' }).click();
    // The template page once the POST answered (a heading named "Template" alone also matches the
    // form's own "New SMS / voice template", so it cannot tell the two pages apart).
    await page.waitForURL(/\/templates\/[^/]+$/);
    await page.getByRole('heading', { name: 'Template', level: 2, exact: true }).waitFor();
    messageId = decodeURIComponent(/\/templates\/([^/]+)$/.exec(page.url())?.[1] ?? '');
    const stored = (await h.call('GET', `/2fa/2/applications/${appId}/messages/${messageId}`)).body;
    assert.equal(stored.speechRate, 1.2);
    assert.equal(stored.pinLength, 5);
    assert.ok(stored.voiceName, 'the chosen voice was saved');
    await shot('04-template-created');
  });

  await t.test('preview: the audio element loads the call audio and has its duration; the SMS shows encoding and parts', async () => {
    const audio = page.getByTestId('preview-audio');
    await audio.waitFor();
    await page.waitForFunction((el) => (el as unknown as { readyState: number }).readyState >= 1, await audio.elementHandle(), { timeout: 30_000 });
    const state = await audio.evaluate((el) => ({ duration: (el as unknown as { duration: number }).duration, error: (el as unknown as { error: unknown }).error }));
    assert.equal(state.error, null);
    const res = await fetch(`${h.url}/console/1/applications/${appId}/messages/${messageId}/preview.wav`, { headers: { authorization: `App ${h.key}` } });
    const expected = wavSeconds(Buffer.from(await res.arrayBuffer()));
    assert.ok(expected > 2, `${expected} s`);
    assert.ok(Math.abs(state.duration - expected) < 0.05, `audio element ${state.duration} s, WAV ${expected} s`);
    assert.match(await page.getByTestId('preview-sms').innerText(), /^Your PIN is 12345\. Once more: 12345\.$/);
    assert.match(await page.getByTestId('preview-encoding').innerText(), /GSM-7 · 1 part · 36 characters/);
    await shot('05-template-preview');
  });

  await t.test('send a sandbox PIN through the API and see it in the feed with its delivery status', async () => {
    const sent = await h.call('POST', '/2fa/2/pin/voice', { applicationId: appId, messageId, to });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    pinId = sent.body.pinId;
    await h.o2.worker.drain();
    await page.getByRole('link', { name: 'Overview' }).click();
    const row = page.locator(`[data-pin-id="${pinId}"]`);
    await row.getByTestId('delivery-status').filter({ hasText: 'PROCESSED' }).waitFor({ timeout: 15_000 });
    assert.equal(await row.getAttribute('data-state'), 'PENDING');
    const pin = await capturedPin(h, to);
    const shown = await row.innerText();
    assert.ok(!shown.replace(pinId, '').replace(to, '').includes(pin), `the feed shows the PIN ${pin}: ${shown}`);
    assert.equal(await page.getByTestId('kpi-conversion-value').innerText(), '0%');
    await shot('06-feed');
  });

  await t.test('verify it and see the conversion change', async () => {
    const pin = await capturedPin(h, to);
    const res = await h.call('POST', `/2fa/2/pin/${pinId}/verify`, { pin });
    assert.equal(res.body.verified, true);
    await page.getByTestId('kpi-conversion-value').filter({ hasText: '100%' }).waitFor({ timeout: 15_000 });
    await page.locator(`[data-pin-id="${pinId}"][data-state="VERIFIED"]`).waitFor();
    assert.match(await page.getByTestId('chart-activity').getByRole('img').getAttribute('aria-label') ?? '', /1 sent, 1 verified/);
    assert.match(await page.getByTestId('chart-calls').getByRole('img').getAttribute('aria-label') ?? '', /PROCESSED 1/);
    await shot('07-conversion-changed');
  });

  await t.test('sandbox inbox plays the call; credits; a phone-sized screen has no sideways scrolling', async () => {
    await page.getByRole('link', { name: 'Sandbox inbox' }).click();
    const player = page.locator('.inbox audio').first();
    await player.waitFor();
    await player.evaluate((el) => { (el as unknown as { preload: string; load(): void }).preload = 'auto'; (el as unknown as { load(): void }).load(); });
    await page.waitForFunction((el) => (el as unknown as { readyState: number }).readyState >= 1, await player.elementHandle());
    await shot('08-sandbox-inbox');
    await page.getByRole('link', { name: 'Credits' }).click();
    await page.getByTestId('credit-balance').getByText('Unlimited').waitFor();
    await shot('09-credits');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByTestId('kpi-conversion-value').filter({ hasText: '100%' }).waitFor();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(Number(overflow) <= 0, `page is ${overflow}px wider than the phone screen`);
    await shot('10-phone-overview');
  });

  assert.deepEqual(problems, [], 'no script errors or CSP violations in the browser');
});
