-- Importing a previous system's CIN census (issue 6).

-- The LA child id each imported child had in the previous system: the census Hearth
-- writes names them the same way, and a later year's file merges into the same record.
CREATE TABLE person_la_child_ids (
    person_id    TEXT PRIMARY KEY REFERENCES persons (id),
    la_child_id  TEXT NOT NULL UNIQUE
);

-- Earlier plans of the child a previous system counted that Hearth does not hold
-- (CpPlan::earlier_plans_not_held), for the dashboard's count of previous plans.
ALTER TABLE episode_cp_plans ADD COLUMN earlier_not_held INTEGER NOT NULL DEFAULT 0;
