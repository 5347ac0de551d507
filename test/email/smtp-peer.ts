/**
 * Test peers for the email channel: an in-process smtp-server with STARTTLS + AUTH and
 * scriptable rejections, a throw-away self-signed certificate, and message fixtures.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { ChannelDeps, OutboundMessage } from '../../src/channels/contract.ts';
import { emailConfigSchema, type EmailConfig } from '../../src/channels/email/index.ts';

export interface TestCert {
  key: string;
  cert: string;
}

/** EC P-256 keeps generation fast; the SAN makes it verifiable for 127.0.0.1 with `tls.ca`. */
export function makeSelfSignedCert(): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'open2fa-email-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ], { stdio: 'pipe' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ReceivedMail {
  parsed: ParsedMail;
  raw: string;
  rcptTo: string[];
  secure: boolean;
  authMethod: string | undefined;
}

export interface PeerOptions {
  cert: TestCert;
  users?: Record<string, string>;
  authMethods?: string[];
}

/** smtp-server on 127.0.0.1:ephemeral. AUTH is mandatory and only offered after STARTTLS. */
export class SmtpPeer {
  readonly received: ReceivedMail[] = [];
  /** RCPT TO replies 451 this many more times (greylisting-style deferral). */
  deferRcpt = 0;
  /** onData waits this long before answering (to exercise aborts and deadlines). */
  stallDataMs = 0;
  port = 0;
  private readonly server: SMTPServer;

  constructor(opts: PeerOptions) {
    const users = opts.users ?? { otp: 's3cret' };
    const options: SMTPServerOptions = {
      key: opts.cert.key,
      cert: opts.cert.cert,
      authMethods: opts.authMethods ?? ['PLAIN', 'LOGIN'],
      allowInsecureAuth: false,
      logger: false,
      onAuth: (auth, _session, cb) => {
        // session.user keeps whatever we return here, so the tests can see the SASL mechanism used.
        if (auth.username && users[auth.username] === auth.password) return cb(null, { user: { name: auth.username, method: auth.method } });
        cb(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
      },
      onRcptTo: (address, _session, cb) => {
        if (address.address.startsWith('nobody@')) {
          return cb(Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`), { responseCode: 550 }));
        }
        if (this.deferRcpt > 0) {
          this.deferRcpt -= 1;
          return cb(Object.assign(new Error(`4.7.1 <${address.address}>: Greylisted, try again later`), { responseCode: 451 }));
        }
        cb();
      },
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          void simpleParser(raw).then((parsed) => {
            this.received.push({
              parsed, raw, secure: session.secure,
              rcptTo: session.envelope.rcptTo.map((r) => r.address),
              authMethod: (session.user as { method?: string } | undefined)?.method,
            });
            setTimeout(() => cb(null, 'Ok: queued as TEST1'), this.stallDataMs);
          }, cb);
        });
      },
    };
    this.server = new SMTPServer(options);
    this.server.on('error', () => undefined); // client resets in abort tests are expected
  }

  static async start(opts: PeerOptions): Promise<SmtpPeer> {
    const peer = new SmtpPeer(opts);
    await new Promise<void>((resolve, reject) => {
      peer.server.server.once('error', reject);
      peer.server.listen(0, '127.0.0.1', () => resolve());
    });
    peer.port = (peer.server.server.address() as net.AddressInfo).port;
    return peer;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A port with nothing listening: bind an ephemeral port, then release it. */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export function testConfig(overrides: Partial<Record<keyof EmailConfig, unknown>>): EmailConfig {
  return emailConfigSchema.parse({
    host: '127.0.0.1',
    defaultFrom: 'open2fa <no-reply@otp.example.test>',
    connectionTimeoutMs: 2_000,
    sendTimeoutMs: 5_000,
    ...overrides,
  });
}

export const noDeps: ChannelDeps = { report: () => undefined, now: () => Date.now() };

let seq = 0;
export function pinEmail(to: string, pin: string, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  seq += 1;
  const textParts = ['Your verification code is ', '. It expires in 10 minutes.'];
  return {
    deliveryId: `D${Date.now().toString(16).toUpperCase()}${seq}`,
    pinId: `P${seq}`,
    accountId: 'acct-1',
    medium: 'email',
    to,
    textParts,
    pin,
    attempt: 1,
    email: {
      subject: 'Your open2fa verification code',
      text: textParts.join(pin),
      html: `<p>Your verification code is <b>${pin}</b>.</p><p><a href="https://otp.example.test/unsub?u=42">Unsubscribe</a></p>`,
      unsubscribeUrl: 'https://otp.example.test/unsub?u=42',
    },
    ...extra,
  };
}
