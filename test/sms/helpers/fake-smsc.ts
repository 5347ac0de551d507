import type { AddressInfo } from 'node:net';
import smpp from 'smpp';

/**
 * An SMSC for tests: the `smpp` package's server on 127.0.0.1, an ephemeral port. It checks bind
 * credentials, records every submit_sm, answers with a scripted command_status, and can push
 * delivery receipts. Responses may be delayed to exercise the client's window.
 */

export interface FakeSmscOptions {
  systemId?: string;
  password?: string;
  /** command_status for the n-th submit_sm (0-based, counted over the server's lifetime); default 0. */
  submitStatus?: (submit: smpp.PDU, index: number) => number;
  /** Delay before each submit_sm_resp. */
  responseDelayMs?: number;
  /** Receipt stat to send after an accepted submit, or undefined for no receipt. */
  receiptStat?: (submit: smpp.PDU) => string | undefined;
  /** Also send receipted_message_id / message_state TLVs (SMPP v3.4 §5.3.2.12, §5.3.2.35). */
  receiptTlvs?: boolean;
  /** false: swallow enquire_link (a hung SMSC whose TCP connection stays up). */
  answerEnquireLink?: boolean;
}

export interface FakeSmsc {
  port: number;
  /** submit_sm PDUs as the library decoded them, in arrival order. */
  submits: smpp.PDU[];
  binds: { systemId: string; password: string; systemType: string; accepted: boolean }[];
  /** deliver_sm_resp PDUs received for pushed receipts. */
  receiptAcks: smpp.PDU[];
  /** Most submit_sm seen at once without a response yet. */
  maxOutstanding: number;
  /** Accepted message ids in order. */
  messageIds: string[];
  enquireLinks: number;
  /**
   * Push a receipt for an accepted message on the bind of the client that bound `bind`-th among
   * those still connected (negative counts from the newest), like an SMSC that hands receipts to
   * any bind of the account.
   */
  pushReceipt(messageId: string, stat: string, bind: number): void;
  /** Destroy every client socket (the SMSC "drops the bind"). */
  dropSessions(): void;
  close(): Promise<void>;
}

const MESSAGE_STATE: Record<string, number> = { DELIVRD: 2, EXPIRED: 3, DELETED: 4, UNDELIV: 5, ACCEPTD: 6, UNKNOWN: 7, REJECTD: 8 };

export async function startFakeSmsc(options: FakeSmscOptions = {}): Promise<FakeSmsc> {
  const { systemId = 'open2fa', password = 'secret', responseDelayMs = 0 } = options;
  const sessions = new Set<smpp.Session>();
  // Bound sessions in bind order, and the submit behind each accepted message id.
  const bound: smpp.Session[] = [];
  const submitOf = new Map<string, smpp.PDU>();
  let outstanding = 0;
  let counter = 0;

  const server = smpp.createServer((session) => {
    sessions.add(session);
    session.on('close', () => {
      sessions.delete(session);
      if (bound.includes(session)) bound.splice(bound.indexOf(session), 1);
    });
    session.on('error', () => session.destroy());
    session.on('bind_transceiver', (pdu: smpp.PDU) => {
      const accepted = pdu.system_id === systemId && pdu.password === password;
      smsc.binds.push({ systemId: String(pdu.system_id), password: String(pdu.password), systemType: String(pdu.system_type), accepted });
      if (accepted) bound.push(session);
      session.send(pdu.response({ command_status: accepted ? 0 : smpp.errors.ESME_RINVPASWD ?? 0x0e }));
    });
    session.on('enquire_link', (pdu: smpp.PDU) => {
      smsc.enquireLinks++;
      if (options.answerEnquireLink !== false) session.send(pdu.response());
    });
    session.on('unbind', (pdu: smpp.PDU) => session.send(pdu.response(), () => session.close()));
    session.on('deliver_sm_resp', (pdu: smpp.PDU) => smsc.receiptAcks.push(pdu));
    session.on('submit_sm', (pdu: smpp.PDU) => {
      const index = smsc.submits.length;
      smsc.submits.push(pdu);
      outstanding++;
      smsc.maxOutstanding = Math.max(smsc.maxOutstanding, outstanding);
      const respond = (): void => {
        outstanding--;
        const status = options.submitStatus?.(pdu, index) ?? 0;
        if (status !== 0) return void session.send(pdu.response({ command_status: status }));
        const messageId = `fake-${++counter}`;
        smsc.messageIds.push(messageId);
        submitOf.set(messageId, pdu);
        session.send(pdu.response({ message_id: messageId }));
        const stat = options.receiptStat?.(pdu);
        if (stat) setTimeout(() => sendReceipt(session, pdu, messageId, stat), 5);
      };
      if (responseDelayMs > 0) setTimeout(respond, responseDelayMs);
      else respond();
    });
  });

  function sendReceipt(session: smpp.Session, submit: smpp.PDU, messageId: string, stat: string): void {
    const tlvs = options.receiptTlvs ? { receipted_message_id: messageId, message_state: MESSAGE_STATE[stat] ?? 7 } : {};
    session.deliver_sm({
      source_addr: submit.destination_addr,
      destination_addr: submit.source_addr,
      esm_class: 0x04, // §5.2.12: SMSC delivery receipt
      short_message: `id:${messageId} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:2611251200 done date:2611251201 stat:${stat} err:${stat === 'DELIVRD' ? '000' : '001'} text:`,
      ...tlvs,
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const smsc: FakeSmsc = {
    port: (server.address() as AddressInfo).port,
    submits: [],
    binds: [],
    receiptAcks: [],
    maxOutstanding: 0,
    messageIds: [],
    enquireLinks: 0,
    pushReceipt: (messageId, stat, bind) => {
      const session = bound.at(bind);
      const submit = submitOf.get(messageId.toLowerCase()); // the test may write the id in another case
      if (!session || !submit) throw new Error(`no bind ${bind} or no message ${messageId}`);
      sendReceipt(session, submit, messageId, stat);
    },
    dropSessions: () => {
      for (const session of sessions) session.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
  return smsc;
}

/** A port nobody listens on: bind a server to port 0, note the port, close it. */
export async function unusedPort(): Promise<number> {
  const server = smpp.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
