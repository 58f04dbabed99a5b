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

  push(score: number, item: T): void {
    this.scores.push(score);
    this.items.push(item);
    let i = this.scores.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.scores[parent]! <= score) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): T | undefined {
    if (this.scores.length === 0) return undefined;
    const top = this.items[0];
    const lastScore = this.scores.pop()!;
    const lastItem = this.items.pop()!;
    if (this.scores.length > 0) {
      this.scores[0] = lastScore;
      this.items[0] = lastItem;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.scores.length && this.scores[l]! < this.scores[m]!) m = l;
        if (r < this.scores.length && this.scores[r]! < this.scores[m]!) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }

  private swap(a: number, b: number): void {
    [this.scores[a], this.scores[b]] = [this.scores[b]!, this.scores[a]!];
    [this.items[a], this.items[b]] = [this.items[b]!, this.items[a]!];
  }
}
