-- Allocation history: who held a child's case, from when to when. Never deleted; a transfer
-- ends one row and adds the next. persons.allocated_* stays the current one, for access.
CREATE TABLE allocations (
    id            TEXT PRIMARY KEY,
    person_id     TEXT NOT NULL REFERENCES persons (id),
    team_id       TEXT NOT NULL REFERENCES teams (id),
    worker_id     TEXT REFERENCES users (id),
    from_date     TEXT NOT NULL,
    to_date       TEXT,
    allocated_by  TEXT NOT NULL REFERENCES users (id),
    reason        TEXT
);
CREATE INDEX allocations_person ON allocations (person_id, from_date);
