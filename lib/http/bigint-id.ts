// Lives with the store (lib/db/bigint-id.ts): a PostgreSQL bigint, which audit queries parse too.
export { bigintId } from "@/lib/db/bigint-id";
