// One error type for everything an operator may read. `message` is the sentence shown to them:
// what happened and what to do. `cause` keeps the original for the log.

export const ERROR_STATUS = {
  INVALID_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
  CONFIG_INVALID: 500,
  BROKER_UNREACHABLE: 502,
  BROKER_REFUSED: 502,
  STORE_UNAVAILABLE: 503,
  TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options.details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/**
 * True for an AppError, also one made by another bundle's copy of this module (the server's
 * instrumentation and its routes are bundled apart, and share broker objects), where instanceof fails.
 */
export function isAppError(e: unknown): e is AppError {
  if (e instanceof AppError) return true;
  return e instanceof Error && e.name === "AppError" && typeof (e as unknown as { code?: unknown }).code === "string" && ((e as unknown as { code: string }).code in ERROR_STATUS);
}

/** A short, single-line description of any thrown value, safe to show (credentials are masked). */
export function describeError(e: unknown): string {
  let text: string;
  if (isAppError(e)) {
    text = e.message;
  } else if (e instanceof AggregateError && e.errors.length > 0) {
    text = e.errors.map((x) => describeError(x)).join("; ");
  } else if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    text = e.message || (typeof code === "string" ? code : e.name);
    if (typeof code === "string" && !text.includes(code)) text = `${code}: ${text}`;
    // fetch() says only "fetch failed"; the reason is in its cause.
    if (text === "fetch failed" && e.cause !== undefined) text = describeError(e.cause);
  } else {
    text = String(e);
  }
  return redactSecrets(text).replace(/\s+/g, " ").trim();
}

/** Masks the password in any URL-looking `scheme://user:password@host`. */
export function redactSecrets(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@/\s]*@/gi, "$1***@");
}

/**
 * An action refused before it touched anything (a permission it needs, a destination it may not
 * use). The audit log records its outcome as "refused" with this sentence as the reason.
 */
export function refusal(code: ErrorCode, message: string): AppError {
  return new AppError(code, message, { details: { refused: true } });
}

export function isRefusal(e: unknown): e is AppError {
  return isAppError(e) && (e.details as { refused?: unknown } | undefined)?.refused === true;
}
