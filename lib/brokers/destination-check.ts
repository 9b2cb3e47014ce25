import type { DestinationCheck } from "./contracts";

// The answers a driver's destination check gives, built one way for every kind.

export type DestinationCheckOptions = {
  /** NATS: list the other consumers of the stream that will see the message again. */
  consumers?: boolean;
  /** Check the rules alone (for a cluster whose broker did not answer a moment ago). */
  rulesOnly?: boolean;
};

export const forbidden = (problem: string): DestinationCheck => ({ exists: null, problem, forbidden: true, consumers: [] });
export const found = (exists: boolean, problem: string | null, consumers: string[] = []): DestinationCheck => ({
  exists,
  problem,
  forbidden: false,
  consumers,
});
/** What a check told to stop after the rules (`rulesOnly`) says when they pass: the broker was not asked. */
export const unasked: DestinationCheck = { exists: null, problem: null, forbidden: false, consumers: [] };
