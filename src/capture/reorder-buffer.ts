/**
 * Puts frames back in capture-time order within a window. A capture merged from several
 * interfaces (pcapng with one block stream per interface, mergecap -a) can run backwards in
 * time; the lease engine's clock must not. Frames that arrive in order cost O(1).
 */
import { frameTimeMs, type CapturedFrame } from './frame.js';

export class ReorderBuffer {
  private readonly frames: CapturedFrame[] = [];
  private readonly times: number[] = [];
  /** Frames that arrived later than the window allowed (emitted at once, out of order). */
  late = 0;
  private emittedUpTo = -Infinity;

  constructor(
    private readonly windowMs: number,
    private readonly emit: (frame: CapturedFrame) => void,
  ) {}

  push(frame: CapturedFrame): void {
    const time = frameTimeMs(frame);
    if (this.windowMs <= 0) {
      this.emit(frame);
      return;
    }
    if (time < this.emittedUpTo) this.late++;
    // Insert after every frame with time <= this one: stable for equal timestamps.
    let i = this.times.length;
    while (i > 0 && this.times[i - 1]! > time) i--;
    this.times.splice(i, 0, time);
    this.frames.splice(i, 0, frame);
    const newest = this.times[this.times.length - 1]!;
    let release = 0;
    while (release < this.times.length && this.times[release]! <= newest - this.windowMs) release++;
    if (release > 0) this.release(release);
  }

  /** Emits everything still held (end of file). */
  drain(): void {
    this.release(this.times.length);
  }

  private release(count: number): void {
    const frames = this.frames.splice(0, count);
    const times = this.times.splice(0, count);
    this.emittedUpTo = Math.max(this.emittedUpTo, times[times.length - 1] ?? -Infinity);
    for (const frame of frames) this.emit(frame);
  }
}
