/** The sampler reads the brokers every 10 s; polling faster would only re-read the same sample. */
export const CONSUMER_REFRESH_MS = 10_000;
