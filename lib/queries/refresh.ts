/** The sampler reads the brokers every 10 s; polling faster would only re-read the same sample. */
export const CONSUMER_REFRESH_MS = 10_000;
/** The inbox and the DLQ panel: the collector stores letters as they arrive; 10 s keeps requests modest. */
export const DEAD_LETTER_REFRESH_MS = 10_000;
/** A job that is moving letters: progress is worth reading every second. */
export const JOB_ACTIVE_REFRESH_MS = 1_000;
/** Jobs that are over change no more; the list still looks for new ones now and then. */
export const JOB_IDLE_REFRESH_MS = 10_000;
/** The audit log grows with every action; new entries show within this. */
export const AUDIT_REFRESH_MS = 10_000;
