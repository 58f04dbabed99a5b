/** Capture drops as episodes: one "dropping" at the first drop, one "cleared" after a quiet time, per handle. */
import { describe, expect, it } from 'vitest';
import { CaptureHealth, type CaptureDropEpisode } from '../../../src/run/capture-health.js';

describe('CaptureHealth', () => {
  it('announces an episode once, with its drops, and clears it after the quiet time', () => {
    const heard: string[] = [];
    const last: CaptureDropEpisode[] = [];
    const listener = {
      captureDropping: async (e: CaptureDropEpisode) => {
        heard.push(`dropping ${e.handle} ${e.drops}`);
        last.push(e);
      },
      captureDropsCleared: async (e: CaptureDropEpisode) => {
        heard.push(`cleared ${e.handle} ${e.drops} ${e.lastDropAt - e.since}`);
        last.push(e);
      },
    };
    const h = new CaptureHealth({ clearedAfterMs: 1000, listeners: [listener] });
    h.update('dhcp', 0, 0);
    h.update('data', 0, 0);
    h.update('data', 5, 200);
    h.update('data', 9, 400);
    h.update('data', 20, 600);
    h.update('data', 20, 1500); // quiet for 900 ms: not yet
    h.update('dhcp', 0, 1500);
    expect(heard).toEqual(['dropping data 5']);
    h.update('data', 20, 1600);
    expect(heard).toEqual(['dropping data 5', 'cleared data 20 400']);
    // A new episode after that, and a capture restart counts from zero.
    h.update('data', 3, 5000);
    h.update('dhcp', 2, 5000);
    expect(heard.slice(2)).toEqual(['dropping data 3', 'dropping dhcp 2']);
  });
});
