// One factory for every TanStack Query key, so invalidation can target a resource or all of it.
export const queryKeys = {
  clusters: { all: ["clusters"] as const },
  health: { all: ["health"] as const },
};
