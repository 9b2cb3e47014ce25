/** Small helpers shared by the demo's broker modules. */

export type Logger = (line: string) => void;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** "message: cause message: cause's cause message", for one-line reports. */
export function describeError(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 5; depth++) {
    const msg = cur instanceof Error ? cur.message : String(cur);
    if (!parts.some((p) => p.includes(msg))) parts.push(msg);
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join(": ");
}

/** The URL without user name or password, for messages. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return raw.replace(/\/\/[^@/]*@/, "//");
  }
}

/** Rejects with `message` when `p` has not settled after `ms`; `onLate` gets a late success. */
export function withTimeout<T>(p: Promise<T>, ms: number, message: string, onLate?: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(message));
    }, ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        if (timedOut) onLate?.(v);
        else resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        if (!timedOut) reject(toError(e));
      },
    );
  });
}

/** First failure wins; `promise` resolves (never rejects) with it. */
export class Failure {
  error: Error | undefined;
  readonly promise: Promise<Error>;
  #resolve!: (e: Error) => void;

  constructor() {
    this.promise = new Promise<Error>((resolve) => {
      this.#resolve = resolve;
    });
  }

  fail(e: unknown): void {
    if (this.error) return;
    this.error = toError(e);
    this.#resolve(this.error);
  }
}

export type Producer = { stop(): Promise<void> };

/**
 * Calls `send` at a steady `perSecond` rate (computed from the start time, so slow ticks catch
 * up) until stopped. At most `maxInFlight` sends run at once; a failed send goes to `onError`.
 * `stop()` stops sending and waits for the sends in flight.
 */
export function startProducer(
  perSecond: number,
  send: (seq: number) => Promise<void>,
  onError: (e: Error) => void,
  maxInFlight = 200,
): Producer {
  const started = Date.now();
  const inFlight = new Set<Promise<void>>();
  let seq = 0;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    const due = Math.floor(((Date.now() - started) / 1000) * perSecond);
    // Never burst more than a second's worth after a stall.
    if (due - seq > perSecond) seq = due - Math.ceil(perSecond);
    while (seq < due && inFlight.size < maxInFlight) {
      seq++;
      const p = send(seq).catch((e: unknown) => {
        if (!stopped) onError(toError(e));
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
  };
  const timer = setInterval(tick, Math.max(10, Math.min(100, 1000 / perSecond)));
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
      stopped = true;
    },
  };
}

/** Runs tasks one after another (a worker that handles one message at a time). */
export class SerialWorker<T> {
  #chain: Promise<void> = Promise.resolve();
  readonly #handle: (item: T) => Promise<void>;
  readonly #onError: (e: Error) => void;

  constructor(handle: (item: T) => Promise<void>, onError: (e: Error) => void) {
    this.#handle = handle;
    this.#onError = onError;
  }

  push(item: T): void {
    this.#chain = this.#chain.then(() => this.#handle(item)).catch((e: unknown) => this.#onError(toError(e)));
  }

  /** Resolves when every pushed item has been handled. */
  idle(): Promise<void> {
    return this.#chain;
  }
}

/**
 * Shutdown steps run in order, each one's error collected rather than stopping the rest. `finish`
 * then throws the first error (or a failure raised while stopping), unless the demo had already
 * failed before the shutdown began: then the errors are expected fallout and only logged.
 */
export class Shutdown {
  readonly #errors: Error[] = [];
  readonly #failure: Failure;
  readonly #failedBefore: Error | undefined;

  constructor(failure: Failure) {
    this.#failure = failure;
    this.#failedBefore = failure.error;
  }

  async step(label: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.#errors.push(new Error(`${label}: ${describeError(e)}`, { cause: e }));
    }
  }

  finish(where: string, log: Logger, logPrefix: string): void {
    if (this.#failedBefore) {
      for (const e of this.#errors) log(`${logPrefix}: after the failure, ${e.message}`);
      return;
    }
    const errors = this.#failure.error ? [this.#failure.error, ...this.#errors] : this.#errors;
    const first = errors[0];
    if (first) throw new Error(`${where}: stopping failed: ${first.message}`, { cause: errors.length > 1 ? new AggregateError(errors) : first });
  }
}
