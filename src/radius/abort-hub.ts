/**
 * At most one 'abort' listener per AbortSignal, however many records wait on it. The
 * delivery worker shares one shutdown signal among all its concurrent deliveries: a
 * listener per record passed Node's limit of 10 and printed MaxListenersExceededWarning on
 * stderr (not JSON), and a listener left behind per record would leak.
 */
interface Hub {
  readonly callbacks: Set<() => void>;
  readonly fire: () => void;
}

const hubs = new WeakMap<AbortSignal, Hub>();

/**
 * Calls `callback` once when `signal` aborts. The returned function unsubscribes; call it
 * when the wait ends (the signal's listener goes away with the last subscriber).
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let hub = hubs.get(signal);
  if (!hub) {
    const callbacks = new Set<() => void>();
    const fire = (): void => {
      hubs.delete(signal);
      for (const cb of [...callbacks]) cb();
      callbacks.clear();
    };
    hub = { callbacks, fire };
    hubs.set(signal, hub);
    signal.addEventListener('abort', fire, { once: true });
  }
  const { callbacks, fire } = hub;
  // A Set would merge two subscriptions of one function: wrap so each has its own entry.
  const entry = (): void => callback();
  callbacks.add(entry);
  return () => {
    if (!callbacks.delete(entry) || callbacks.size > 0) return;
    signal.removeEventListener('abort', fire);
    if (hubs.get(signal)?.fire === fire) hubs.delete(signal);
  };
}
