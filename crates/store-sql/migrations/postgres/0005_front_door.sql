-- The front door (issue 4): contacts, referrals and single assessments are stored as JSON
-- documents of the domain types (crates/domain/src/front_door), with the columns the
-- queries need beside them. Every saved state is kept in front_door_versions.
CREATE TABLE front_door_records (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,            -- contact | referral | assessment
    parent_id   TEXT,                     -- a referral's contact, an assessment's referral
    version     BIGINT NOT NULL,
    doc         TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX front_door_records_parent ON front_door_records (parent_id);

-- The people a record is about (a contact's children and family, a referral's child).
CREATE TABLE front_door_people (
    record_id   TEXT NOT NULL REFERENCES front_door_records (id),
    person_id   TEXT NOT NULL REFERENCES persons (id),
    role        TEXT NOT NULL,            -- child | family
    PRIMARY KEY (record_id, person_id)
);
CREATE INDEX front_door_people_person ON front_door_people (person_id);

CREATE TABLE front_door_versions (
    record_id   TEXT NOT NULL REFERENCES front_door_records (id),
    version     BIGINT NOT NULL,
    doc         TEXT NOT NULL,
    changed_by  TEXT NOT NULL REFERENCES users (id),
    changed_at  BIGINT NOT NULL,
    reason      TEXT,
    PRIMARY KEY (record_id, version)
);

-- Work: one row per deadline-driven task. The due date, the rule and the pack (name and
-- version) that produced it are stored, so a later change of pack does not move it; only
-- `hearth deadlines recalculate --apply` does, and it is audited.
CREATE TABLE tasks (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    subject_type  TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    child_id      TEXT NOT NULL REFERENCES persons (id),
    team_id       TEXT REFERENCES teams (id),
    assignee_id   TEXT REFERENCES users (id),
    due           TEXT NOT NULL,
    rule          TEXT NOT NULL,
    pack          TEXT NOT NULL,
    pack_version  TEXT NOT NULL,
    explanation   TEXT NOT NULL,
    done_at       BIGINT,
    done_by       TEXT REFERENCES users (id)
);
CREATE INDEX tasks_subject ON tasks (subject_id);
CREATE INDEX tasks_open_assignee ON tasks (assignee_id, due) WHERE done_at IS NULL;
CREATE INDEX tasks_open_team ON tasks (team_id, due) WHERE done_at IS NULL;
CREATE INDEX tasks_open_child ON tasks (child_id) WHERE done_at IS NULL;
