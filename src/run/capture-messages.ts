/** What the capture process and the gateway say to each other. */
import type { FlowStats } from '../flows/flow-source.js';
import type { CaptureHandleStats } from './live-handles.js';

export type CaptureSource = { kind: 'live' } | { kind: 'file'; path: string; speed: number | 'max' };

export type CaptureWorkerMessage =
  | { type: 'ready'; bindings: number }
  | { type: 'stats'; frames: number; dhcp: number; errors: number; events: number; transitions: number; captureDrops: number; handles?: CaptureHandleStats; flows?: FlowStats | undefined }
  | { type: 'replay-paced'; wall: number; capture: number }
  | { type: 'replay-done' }
  | { type: 'stopped' }
  | { type: 'error'; message: string }
  | { type: 'fatal'; message: string; code: string | undefined };
