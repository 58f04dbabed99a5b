/**
 * Puts frames back in capture-time order within a window. A capture merged from several
 * interfaces (pcapng with one block stream per interface, mergecap -a) can run backwards in
 * time; the lease engine's clock must not. Frames that arrive in order cost O(1).
 */
import { frameTimeMs, type CapturedFrame } from './frame.js';

export class ReorderBuffer {
  // Held frames in time order from `head`; released ones before `head` are compacted away
  // in bulk, so releasing is O(1) per frame.
  private frames: CapturedFrame[] = [];
  private times: number[] = [];
  private head = 0;
  /** Frames that arrived later than the window allowed (emitted at once, out of order). */
  late = 0;
  private emittedUpTo = -Infinity;

  constructor(
    private readonly windowMs: number,
    private readonly emit: (frame: CapturedFrame) => void,
  ) {}

  push(frame: CapturedFrame): void {
    if (this.windowMs <= 0) {
      this.emit(frame);
      return;
    }
    const time = frameTimeMs(frame);
    if (time < this.emittedUpTo) {
      // Too late to reorder: the engine has moved past it already.
      this.late++;
      this.emit(frame);
      return;
    }
    // Insert after every held frame with time <= this one: stable for equal timestamps.
    let i = this.times.length;
    while (i > this.head && this.times[i - 1]! > time) i--;
    if (i === this.times.length) {
      this.times.push(time);
      this.frames.push(frame);
    } else {
      this.times.splice(i, 0, time);
      this.frames.splice(i, 0, frame);
    }
    const horizon = this.times[this.times.length - 1]! - this.windowMs;
    while (this.head < this.times.length && this.times[this.head]! <= horizon) this.releaseOne();
    if (this.head > 4096 && this.head * 2 > this.times.length) this.compact();
  }

  /** Emits everything still held (end of file). */
  drain(): void {
    while (this.head < this.times.length) this.releaseOne();
    this.compact();
  }

  private releaseOne(): void {
    const frame = this.frames[this.head]!;
    this.emittedUpTo = Math.max(this.emittedUpTo, this.times[this.head]!);
    this.frames[this.head] = undefined as unknown as CapturedFrame;
    this.head++;
    this.emit(frame);
  }

  private compact(): void {
    this.frames = this.frames.slice(this.head);
    this.times = this.times.slice(this.head);
    this.head = 0;
  }
}
