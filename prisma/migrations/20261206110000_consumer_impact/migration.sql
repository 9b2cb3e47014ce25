-- How much a consumer's trouble matters now (state severity, backlog, growth, time in state), worked
-- out by every sweep, so "worst consumers" and the list's "impact" order are one indexed query.
ALTER TABLE "consumers" ADD COLUMN "impact" DOUBLE PRECISION NOT NULL DEFAULT 0;
CREATE INDEX "consumers_impact_idx" ON "consumers"("impact" DESC);
