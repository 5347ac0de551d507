import { parentPort } from 'node:worker_threads';
import { startEnginesHere } from './engines.ts';
import type { EngineRequest } from './engine-thread.ts';

/**
 * The speech thread: runs both engines (synchronous WebAssembly, 50–400 ms per utterance) away
 * from the event loop that paces RTP. One utterance at a time, as the engines require; the
 * samples travel back as a transferred buffer (no copy on the way).
 */
const port = parentPort;
if (!port) throw new Error('engine-thread-worker runs only as a worker thread');

try {
  const engines = await startEnginesHere();
  port.on('message', (req: EngineRequest) => {
    if (req.kind === 'close') {
      void Promise.all([engines.flite.close(), engines.espeak.close()]).finally(() => port.close());
      return;
    }
    engines[req.kind].synthesize(req.text, req.voice, req.rate).then(
      (audio) => {
        const samples = audio.samples.slice(); // its own buffer, so it can be transferred whole
        port.postMessage({ id: req.id, samples, sampleRate: audio.sampleRate }, [samples.buffer]);
      },
      (err: unknown) => port.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  port.postMessage({ ready: true });
} catch (err) {
  port.postMessage({ failed: err instanceof Error ? err.message : String(err) });
  port.close();
}
