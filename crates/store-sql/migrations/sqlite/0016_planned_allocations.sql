-- A transfer can be dated ahead (issue 16): the allocation is stored at once, marked
-- pending, and becomes the record's allocation (which decides who may see it) on its first
-- day, when housekeeping applies it.
ALTER TABLE allocations ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
CREATE INDEX allocations_pending ON allocations (from_date) WHERE pending = 1;
