/**
 * What channels report for /metrics, as a small injected interface: channels know nothing about
 * Prometheus, and tests or tools that build a channel on its own get the no-op. Every method is
 * called at most a few times per call or submit, never per RTP frame.
 */
export interface ChannelTelemetry {
  /** The final response to a call's INVITE on `trunk`; `code` undefined when none came (timeout, transport). */
  sipResponse(trunk: string, code: number | undefined): void;
  /** A call holds a slot on `trunk` and is being placed (INVITE sent … BYE). */
  callStarted(trunk: string): void;
  callEnded(trunk: string): void;
  /** RTP frames of one answered call: all sent, and those sent more than 5 ms after their slot. */
  rtpFrames(sent: number, late: number): void;
  /** A sampler read when /metrics is scraped: one entry per SMPP session. */
  smppSessions(sample: () => SmppSessionSample[]): void;
}

export interface SmppSessionSample {
  smsc: string;
  /** submit_sm sent and not answered yet. */
  windowInUse: number;
  windowSize: number;
  bound: boolean;
}

export const noChannelTelemetry: ChannelTelemetry = {
  sipResponse() {},
  callStarted() {},
  callEnded() {},
  rtpFrames() {},
  smppSessions() {},
};
