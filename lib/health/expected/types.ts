// Expected consumers as the API serves them. Client-safe.

export type ExpectedConsumerView = {
  /** Null for the configuration's own, which are changed in the file. */
  id: string | null;
  cluster: string;
  key: string;
  minConsumers: number;
  source: "config" | "ui";
  createdBy: string | null;
  createdAt: string | null;
  /** Consumers it covers now, and how many of them are MISSING (a placeholder counts as one). */
  matched: number;
  missing: number;
};

export type ExpectedConsumerList = { items: ExpectedConsumerView[]; clusters: string[] };
