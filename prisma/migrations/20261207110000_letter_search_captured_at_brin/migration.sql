-- The header filter's older pages: the headers GIN index finds the letters carrying a value but not
-- their order, so a value common in the month and absent from a burst of newer letters had either to
-- be walked to through the burst or have every letter carrying it read and sorted. A BRIN index on
-- the arrival time (dead_letter_search is written once per letter, in arrival order, so its blocks
-- follow time) is ANDed with the GIN bitmap: only the value's letters in one window of time are read,
-- window after window back in time, until the page is full. A few pages of index per million letters.
CREATE INDEX "dead_letter_search_captured_at_brin_idx" ON "dead_letter_search" USING brin ("captured_at") WITH (pages_per_range = 32, autosummarize = on);
