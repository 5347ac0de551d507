/**
 * SIP over TCP (RFC 3261 §18): one connection to the trunk, messages framed by Content-Length.
 * A refused or timed-out connect is reported by rejecting, which the caller maps to
 * "network not available" and "try another trunk".
 */
import net from 'node:net';
import { takeStreamMessage } from './sip-message.ts';
import { rtpPacer } from '../rtp/rtp-pacer.ts';
import { transportError, type SipTransport, type TransportHandlers, type TransportTarget } from './transport.ts';

/** A peer that sends garbage without ever completing a header block must not grow us unbounded. */
const MAX_BUFFERED_BYTES = 256 * 1024;

export async function openTcpTransport(target: TransportTarget, handlers: TransportHandlers): Promise<SipTransport> {
  const socket = net.createConnection({ host: target.host, port: target.port, localAddress: target.localAddress });
  socket.setNoDelay(true);
  let closed = false;

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(transportError('ETIMEDOUT', `TCP connect to ${target.host}:${target.port} timed out`));
    }, target.connectTimeoutMs);
    socket.once('error', (err) => { clearTimeout(timer); socket.destroy(); reject(err); });
    socket.once('connect', () => { clearTimeout(timer); resolve(); });
  });

  socket.removeAllListeners('error');
  let buffer: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    rtpPacer.poll(); // frames due now go out before this message's work (see rtp-pacer.ts)
    buffer = Buffer.concat([buffer, chunk]);
    try {
      for (let next = takeStreamMessage(buffer); next; next = takeStreamMessage(buffer)) {
        buffer = next.rest;
        handlers.onMessage(next.message);
      }
    } catch (err) {
      // §18.3: on a stream a framing error cannot be recovered from; drop the connection.
      handlers.onError(transportError('EPROTO', `bad SIP message on TCP: ${(err as Error).message}`));
      socket.destroy();
      return;
    }
    if (buffer.length > MAX_BUFFERED_BYTES) {
      handlers.onError(transportError('EMSGSIZE', 'SIP message over TCP too large'));
      socket.destroy();
    }
  });
  socket.on('error', (err: NodeJS.ErrnoException) => { if (!closed) handlers.onError(err); });
  socket.on('close', () => { if (!closed) handlers.onError(transportError('ECONNRESET', 'trunk closed the TCP connection')); });

  return {
    protocol: 'TCP',
    reliable: true,
    local: { address: socket.localAddress ?? target.localAddress, port: socket.localPort ?? 0 },
    send(text) {
      if (closed) return;
      rtpPacer.poll();
      socket.write(text, 'utf8');
    },
    close() {
      if (closed) return;
      closed = true;
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    },
  };
}
