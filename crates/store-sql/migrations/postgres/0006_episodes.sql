-- Children in need and child protection (issue 5). An episode is one more versioned
-- document in front_door_records (kind 'episode', parent: its referral); `state` says
-- whether it is open, so a team's open episodes are found without reading closed ones.
-- No index on it: the team's children are found through persons and front_door_people,
-- and an index on (kind, state) lured SQLite away from front_door_people_person when
-- reading one child's records (the record page went from 30 to 170 ms).
ALTER TABLE front_door_records ADD COLUMN state TEXT;

-- Which occurrence of an episode's step a task is for ("cp:<plan>:review:2"), so the
-- work trays follow the episode: a step done closes its task, a new step opens one.
ALTER TABLE tasks ADD COLUMN step TEXT NOT NULL DEFAULT '';
