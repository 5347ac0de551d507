/**
 * The part of `smpp` 0.5.1 (farhadi/node-smpp, CommonJS, no published types) that open2fa uses:
 * the client session for the SMS channel and the server for the in-process test SMSC.
 * PDU fields are the snake_case names of SMPP v3.4 §4 (command bodies) and §5.3 (TLVs).
 */
declare module 'smpp' {
  import { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  namespace smpp {
    /** A decoded or to-be-encoded PDU; body fields and TLVs are plain properties. */
    interface PDU {
      command: string;
      command_id: number;
      command_status: number;
      sequence_number: number;
      [field: string]: unknown;
      isResponse(): boolean;
      /** The matching *_resp PDU with the same sequence_number (generic_nack for unknown commands). */
      response(options?: Record<string, unknown>): PDU;
    }

    type PduCallback = (pdu: PDU) => void;

    class Session extends EventEmitter {
      socket: Socket;
      /** Sends a PDU; returns false (and sends nothing) when the socket is not writable. */
      send(pdu: PDU, responseCallback?: PduCallback, sendCallback?: PduCallback): boolean;
      close(callback?: () => void): void;
      destroy(callback?: () => void): void;
      pause(): void;
      resume(): void;
      bind_transceiver(options: Record<string, unknown>, responseCallback?: PduCallback): boolean;
      submit_sm(options: Record<string, unknown>, responseCallback?: PduCallback): boolean;
      deliver_sm(options: Record<string, unknown>, responseCallback?: PduCallback): boolean;
      enquire_link(responseCallback?: PduCallback): boolean;
      unbind(responseCallback?: PduCallback): boolean;
    }

    interface ConnectOptions {
      host: string;
      port: number;
    }

    class Server extends NetServer {
      sessions: Session[];
    }

    const PDU: { new (command: string, options?: Record<string, unknown>): PDU };
    /** Opens the TCP connection at once; 'connect', 'close', 'error', 'pdu' and '<command>' events follow. */
    function connect(options: ConnectOptions): Session;
    function createServer(listener?: (session: Session) => void): Server;
    /** SMPP v3.4 §5.1.3 command_status values by name (ESME_ROK, ESME_RTHROTTLED, …). */
    const errors: Readonly<Record<string, number>>;
  }

  export = smpp;
}
