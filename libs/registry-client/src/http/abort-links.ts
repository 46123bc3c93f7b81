/**
 * One `abort` listener per caller signal, however many requests, response bodies and backoff
 * sleeps of the client wait on it at once. A copy shares one signal among its blob transfers
 * (six at a time), each with a GET, its body and a PUT listening: adding each to the signal
 * directly passes Node's limit of 10 and prints MaxListenersExceededWarning — a warning that
 * raising the limit would only hide, along with any real leak.
 */
interface Fanout {
  callbacks: Set<() => void>;
  dispatch: () => void;
}

const fanouts = new WeakMap<AbortSignal, Fanout>();

/**
 * Calls `callback` once when `signal` aborts (at once, if it has). Answers the unsubscribe;
 * the signal's one listener goes when its last subscriber does.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  if (signal.aborted) {
    callback();
    return () => undefined;
  }
  let fanout = fanouts.get(signal);
  if (!fanout) {
    const callbacks = new Set<() => void>();
    const dispatch = (): void => {
      fanouts.delete(signal);
      for (const each of [...callbacks]) each();
      callbacks.clear();
    };
    fanout = { callbacks, dispatch };
    fanouts.set(signal, fanout);
    signal.addEventListener('abort', dispatch, { once: true });
  }
  const own = fanout;
  // A wrapper per subscription: the same callback subscribed twice is two subscriptions.
  const entry = (): void => callback();
  own.callbacks.add(entry);
  return () => {
    if (!own.callbacks.delete(entry) || own.callbacks.size > 0) return;
    if (fanouts.get(signal) === own) fanouts.delete(signal);
    signal.removeEventListener('abort', own.dispatch);
  };
}

export interface LinkedSignal {
  /** Aborts with the parent's reason; undefined when there is no parent. */
  signal?: AbortSignal;
  /** Done with it: unlinks from the parent. Safe to call more than once. */
  release(): void;
}

/**
 * A signal of its own for an API that listens itself (axios, timers), linked to `parent`
 * through onAbort. Release it when the work it guards is over.
 */
export function linkedSignal(parent: AbortSignal | undefined): LinkedSignal {
  if (!parent) return { release: () => undefined };
  const child = new AbortController();
  const release = onAbort(parent, () => child.abort(parent.reason));
  return { signal: child.signal, release };
}
