-- Importing a previous system's CIN census (issue 6).

-- Each person's LA child id, the census's name for them: Hearth's own ("H" and the last 16
-- hex digits of the id) from creation, or the one a previous system gave a child whose
-- history was imported. The census names them by it, and an import finds them by it (so a
-- later year's file merges into the same record, and Hearth's own file into its own).
ALTER TABLE persons ADD COLUMN la_child_id TEXT;
UPDATE persons SET la_child_id = 'H' || upper(substr(replace(id, '-', ''), 17, 16));
CREATE UNIQUE INDEX persons_la_child_id ON persons (la_child_id);

-- Earlier plans of the child a previous system counted that Hearth does not hold
-- (CpPlan::earlier_plans_not_held), for the dashboard's count of previous plans.
ALTER TABLE episode_cp_plans ADD COLUMN earlier_not_held INTEGER NOT NULL DEFAULT 0;
