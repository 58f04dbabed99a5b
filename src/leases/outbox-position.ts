/**
 * Outbox positions are Redis stream ids (`<ms>-<seq>`) or, in the memory store, counters
 * (`<n>`, read as `<n>-0`). They compare as pairs of integers, not as text.
 */
function parts(position: string): [bigint, bigint] | undefined {
  const m = /^(\d{1,20})(?:-(\d{1,20}))?$/.exec(position);
  return m ? [BigInt(m[1]!), BigInt(m[2] ?? 0)] : undefined;
}

/** Negative, zero or positive as a is before, at or after b; undefined when either is not a position. */
export function comparePositions(a: string, b: string): number | undefined {
  const x = parts(a);
  const y = parts(b);
  if (!x || !y) return undefined;
  if (x[0] !== y[0]) return x[0] < y[0] ? -1 : 1;
  return x[1] === y[1] ? 0 : x[1] < y[1] ? -1 : 1;
}
