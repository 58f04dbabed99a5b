/** A binary min-heap on a numeric score: the memory store's expiry timers. */
export class MinHeap<T> {
  private readonly scores: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.scores.length;
  }

  peekScore(): number | undefined {
    return this.scores[0];
  }

  peekItem(): T | undefined {
    return this.items[0];
  }

  push(score: number, item: T): void {
    const scores = this.scores;
    const items = this.items;
    // Sift up by moving parents down into the hole (same result as swapping, fewer writes).
    let i = scores.length;
    scores.push(score);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (scores[parent]! <= score) break;
      scores[i] = scores[parent]!;
      items[i] = items[parent]!;
      i = parent;
    }
    scores[i] = score;
    items[i] = item;
  }

  pop(): T | undefined {
    const scores = this.scores;
    const items = this.items;
    if (scores.length === 0) return undefined;
    const top = items[0];
    const lastScore = scores.pop()!;
    const lastItem = items.pop()!;
    const n = scores.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = -1;
        let best = lastScore;
        if (l < n && scores[l]! < best) {
          m = l;
          best = scores[l]!;
        }
        if (r < n && scores[r]! < best) m = r;
        if (m === -1) break;
        scores[i] = scores[m]!;
        items[i] = items[m]!;
        i = m;
      }
      scores[i] = lastScore;
      items[i] = lastItem;
    }
    return top;
  }
}
