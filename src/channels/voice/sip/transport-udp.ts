/**
 * SIP over UDP on a *connected* datagram socket.
 *
 * Connecting matters: the kernel then reports ICMP port-unreachable for the trunk as an
 * ECONNREFUSED socket error, so a dead trunk is detected in milliseconds instead of waiting for
 * INVITE Timer B (RFC 3261 §17.1.1.2, 32 s). It also filters datagrams from anyone but the trunk.
 */
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { parseSipMessage } from './sip-message.ts';
import { rtpPacer } from '../rtp/rtp-pacer.ts';
import { transportError, type SipTransport, type TransportHandlers, type TransportTarget } from './transport.ts';

export async function openUdpTransport(target: TransportTarget, handlers: TransportHandlers): Promise<SipTransport> {
  const family = isIP(target.localAddress) === 6 || isIP(target.host) === 6 ? 'udp6' : 'udp4';
  const socket = dgram.createSocket({ type: family });
  let closed = false;

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(transportError('ETIMEDOUT', `resolving ${target.host} timed out`)), target.connectTimeoutMs);
    socket.once('error', (err) => { clearTimeout(timer); reject(err); });
    socket.bind({ address: target.localAddress, port: 0 }, () => {
      // connect() also resolves a host name; a DNS failure arrives as the callback error.
      socket.connect(target.port, target.host, () => { clearTimeout(timer); resolve(); });
    });
  }).catch((err: unknown) => {
    closed = true;
    socket.close();
    throw err;
  });

  socket.removeAllListeners('error');
  socket.on('error', (err: NodeJS.ErrnoException) => { if (!closed) handlers.onError(err); });
  socket.on('message', (data) => {
    rtpPacer.poll(); // frames due now go out before this message's work (see rtp-pacer.ts)
    try {
      handlers.onMessage(parseSipMessage(data));
    } catch {
      // §18.3: a malformed datagram is discarded silently.
    }
  });

  const bound = socket.address();
  return {
    protocol: 'UDP',
    reliable: false,
    local: { address: bound.address, port: bound.port },
    send(text) {
      if (closed) return;
      rtpPacer.poll();
      socket.send(Buffer.from(text, 'utf8'), (err) => { if (err && !closed) handlers.onError(err); });
    },
    close() {
      if (closed) return;
      closed = true;
      socket.close();
    },
  };
}
