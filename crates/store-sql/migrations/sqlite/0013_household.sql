-- The family network (issue 16): whether two people live in the same household, and which of
-- them holds parental responsibility for the other, so a worker can tell at a glance who the
-- child lives with and who can consent for them. Kept in every version.
ALTER TABLE relationships ADD COLUMN lives_together INTEGER NOT NULL DEFAULT 0;
ALTER TABLE relationships ADD COLUMN pr_holder TEXT REFERENCES persons (id);
ALTER TABLE relationship_versions ADD COLUMN lives_together INTEGER NOT NULL DEFAULT 0;
ALTER TABLE relationship_versions ADD COLUMN pr_holder TEXT;
