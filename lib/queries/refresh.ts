/** The sampler reads the brokers every 10 s; polling faster would only re-read the same sample. */
export const CONSUMER_REFRESH_MS = 10_000;
/** The inbox and the DLQ panel: the collector stores letters as they arrive; 10 s keeps requests modest. */
export const DEAD_LETTER_REFRESH_MS = 10_000;
