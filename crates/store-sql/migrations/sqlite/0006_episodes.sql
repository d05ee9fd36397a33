-- Children in need and child protection (issue 5). An episode is one more versioned
-- document in front_door_records (kind 'episode', parent: its referral).

-- The child protection plans of every episode, rewritten from the episode each time it is
-- saved: the team dashboard counts and lists open plans (and each child's earlier plans)
-- from these rows instead of reading every episode's document.
CREATE TABLE episode_cp_plans (
    plan_id           TEXT PRIMARY KEY,
    episode_id        TEXT NOT NULL REFERENCES front_door_records (id),
    child_id          TEXT NOT NULL REFERENCES persons (id),
    start_date        TEXT NOT NULL,
    end_date          TEXT,
    initial_category  TEXT NOT NULL,
    latest_category   TEXT NOT NULL
);
CREATE INDEX episode_cp_plans_episode ON episode_cp_plans (episode_id);
CREATE INDEX episode_cp_plans_child ON episode_cp_plans (child_id, start_date);

-- Which occurrence of an episode's step a task is for ("cp:<plan>:review:2"), so the
-- work trays follow the episode: a step done closes its task, a new step opens one.
ALTER TABLE tasks ADD COLUMN step TEXT NOT NULL DEFAULT '';
