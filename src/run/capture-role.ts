/** Gateway side of the capture role: starts the capture process and relays what it says. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DxgwConfig } from '../config/schema.js';
import type { CaptureSource, CaptureWorkerMessage } from './capture-messages.js';

export interface CaptureRole {
  /** Resolves once the thread has loaded the bindings and started capturing. */
  ready: Promise<void>;
  /** Resolves when a replay reached the end of its file. */
  replayDone: Promise<void>;
  latest: Extract<CaptureWorkerMessage, { type: 'stats' }> | undefined;
  /** A paced replay: the wall time its first frame was fed at, and that frame's capture time (ms). */
  pacedFrom?: { wall: number; capture: number };
  stop(): Promise<void>;
}

export function startCaptureRole(
  config: DxgwConfig,
  redisUrl: string,
  source: CaptureSource,
  onFatal: (message: string) => void,
  onError: (message: string) => void,
  onStats?: (stats: Extract<CaptureWorkerMessage, { type: 'stats' }>) => void,
): CaptureRole {
  const worker = fork(fileURLToPath(new URL('./capture-worker.js', import.meta.url)), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  worker.send({ type: 'init', config, redisUrl, source });
  let markReady!: () => void;
  let markDone!: () => void;
  let markStopped!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  const replayDone = new Promise<void>((r) => (markDone = r));
  const stopped = new Promise<void>((r) => (markStopped = r));
  const role: CaptureRole = {
    ready,
    replayDone,
    latest: undefined,
    async stop() {
      if (worker.exitCode === null && worker.connected) worker.send({ type: 'stop' });
      await Promise.race([stopped, new Promise((r) => setTimeout(r, 10_000))]);
      if (worker.exitCode === null) worker.kill('SIGKILL');
    },
  };
  worker.on('message', (m: CaptureWorkerMessage) => {
    if (m.type === 'ready') markReady();
    else if (m.type === 'stats') {
      role.latest = m;
      onStats?.(m);
    }
    else if (m.type === 'replay-paced') role.pacedFrom = { wall: m.wall, capture: m.capture };
    else if (m.type === 'replay-done') markDone();
    else if (m.type === 'stopped') markStopped();
    else if (m.type === 'error') onError(m.message);
    else if (m.type === 'fatal') onFatal(m.message);
  });
  worker.on('error', (error) => onFatal(error.message));
  worker.on('exit', (code, signal) => {
    markStopped();
    if (code !== 0 && code !== null) onFatal(`capture process exited with ${code}`);
    else if (signal && signal !== 'SIGKILL') onFatal(`capture process killed by ${signal}`);
  });
  return role;
}
