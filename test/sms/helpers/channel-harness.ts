import type { ChannelDeps, DeliveryReport, OutboundMessage } from '../../../src/channels/contract.ts';
import type { SmscConnectionConfig } from '../../../src/channels/sms/index.ts';

/** Builders and probes shared by the SMS channel tests. */

export const DESTINATION = '41793026727';

let deliveries = 0;

export function smsMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    deliveryId: `delivery-${++deliveries}`,
    pinId: 'pin-1',
    accountId: 'account-1',
    medium: 'sms',
    to: DESTINATION,
    from: 'open2fa',
    textParts: ['Your PIN is ', '.'],
    pin: '4821',
    attempt: 1,
    ...overrides,
  };
}

/** Fast timings so reconnects and timeouts fit a test run. */
export function smscConfig(name: string, port: number, overrides: Partial<SmscConnectionConfig> = {}): SmscConnectionConfig {
  return {
    name,
    host: '127.0.0.1',
    port,
    systemId: 'open2fa',
    password: 'secret',
    systemType: 'OTP',
    reconnectMinMs: 50,
    reconnectMaxMs: 400,
    submitTimeoutMs: 2_000,
    enquireLinkMs: 5_000,
    ...overrides,
  };
}

export interface Recorder {
  deps: ChannelDeps & { logger: { info(o: object, m?: string): void; warn(o: object, m?: string): void } };
  reports: { deliveryId: string; report: DeliveryReport }[];
  /** Every log line as JSON, to prove no number or text leaks. */
  logs: string[];
  nextReport(deliveryId: string, timeoutMs?: number): Promise<DeliveryReport>;
}

export function recorder(): Recorder {
  const reports: Recorder['reports'] = [];
  const logs: string[] = [];
  const log = (level: string) => (o: object, m?: string) => void logs.push(JSON.stringify({ level, ...o, msg: m }));
  return {
    reports,
    logs,
    deps: { report: (deliveryId, report) => void reports.push({ deliveryId, report }), now: Date.now, logger: { info: log('info'), warn: log('warn') } },
    nextReport: async (deliveryId, timeoutMs = 3_000) => {
      await waitFor(() => reports.some((r) => r.deliveryId === deliveryId), timeoutMs);
      return reports.find((r) => r.deliveryId === deliveryId)!.report;
    },
  };
}

export async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
