-- The Hearth schema for SQLite. Keep it in step with ../postgres/0001_schema.sql: the same
-- SQL text runs on both, so every column has the same meaning on both.
--
-- ids: hyphenated UUID text. Timestamps: unix microseconds UTC (INTEGER). Dates: 'YYYY-MM-DD'
-- text. Booleans: 0/1 INTEGER. JSON documents: text. Text compares byte-wise (BINARY), which
-- is code-point order: search relies on it for prefix ranges.
-- Records are versioned: the current version lives in the main table, every version
-- (the first included) in *_versions, which are only ever inserted into.

CREATE TABLE teams (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL,
    -- Lower-cased in Rust (Unicode-aware on both databases): usernames compare case-insensitively.
    username_key  TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    team_id       TEXT REFERENCES teams (id),
    manager_id    TEXT REFERENCES users (id),
    password_hash TEXT NOT NULL,
    totp_secret   TEXT,
    failed_logins INTEGER NOT NULL,
    locked_until  INTEGER,
    active        INTEGER NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_username_key ON users (username_key);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    token_hash   TEXT NOT NULL,
    csrf_token   TEXT NOT NULL,
    mfa_passed   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX sessions_token_hash ON sessions (token_hash);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE UNIQUE INDEX api_tokens_token_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE drafts (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    path       TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- `ref` is a compact key for the search index, used only inside the store; `id` is the
-- person's Hearth id everywhere else.
CREATE TABLE persons (
    ref                    INTEGER PRIMARY KEY,
    id                     TEXT NOT NULL UNIQUE,
    version                INTEGER NOT NULL,
    details_json           TEXT NOT NULL,
    kind                   TEXT NOT NULL,
    family_name_folded     TEXT NOT NULL,
    given_name_folded      TEXT NOT NULL,
    date_of_birth          TEXT,
    expected_date_of_birth TEXT,
    nhs_number             TEXT,
    upn                    TEXT,
    restricted             INTEGER NOT NULL,
    allocated_team_id      TEXT REFERENCES teams (id),
    allocated_worker_id    TEXT REFERENCES users (id),
    created_at             INTEGER NOT NULL,
    created_by             TEXT NOT NULL REFERENCES users (id),
    updated_at             INTEGER NOT NULL
);
CREATE INDEX persons_name ON persons (family_name_folded, given_name_folded);
CREATE INDEX persons_date_of_birth ON persons (date_of_birth);
CREATE INDEX persons_expected_date_of_birth ON persons (expected_date_of_birth);
CREATE INDEX persons_nhs_number ON persons (nhs_number);
CREATE INDEX persons_upn ON persons (upn);
CREATE INDEX persons_worker ON persons (allocated_worker_id);
CREATE INDEX persons_team ON persons (allocated_team_id);

CREATE TABLE person_versions (
    person_id           TEXT NOT NULL REFERENCES persons (id),
    version             INTEGER NOT NULL,
    details_json        TEXT NOT NULL,
    restricted          INTEGER NOT NULL,
    allocated_team_id   TEXT,
    allocated_worker_id TEXT,
    changed_by          TEXT NOT NULL REFERENCES users (id),
    changed_at          INTEGER NOT NULL,
    reason              TEXT,
    PRIMARY KEY (person_id, version)
);

-- Name search keys (hearth_domain::search::index_keys); kind 0 = whole token, 1 = deletion.
-- The primary key serves both look-ups: a prefix range on kind 0, and exact keys of either
-- kind. About 14 keys per person, so rows are kept small (an integer person reference).
CREATE TABLE person_search_keys (
    kind       INTEGER NOT NULL,
    key        TEXT NOT NULL,
    person_ref INTEGER NOT NULL REFERENCES persons (ref),
    PRIMARY KEY (kind, key, person_ref)
) WITHOUT ROWID;
CREATE INDEX person_search_keys_person ON person_search_keys (person_ref);

CREATE TABLE person_access_list (
    person_id TEXT NOT NULL REFERENCES persons (id),
    user_id   TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (person_id, user_id)
);

CREATE TABLE break_glass (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    person_id  TEXT NOT NULL REFERENCES persons (id),
    reason     TEXT NOT NULL,
    granted_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX break_glass_person_user ON break_glass (person_id, user_id, expires_at);
CREATE INDEX break_glass_granted ON break_glass (granted_at);

CREATE TABLE relationships (
    id             TEXT PRIMARY KEY,
    version        INTEGER NOT NULL,
    from_person_id TEXT NOT NULL REFERENCES persons (id),
    to_person_id   TEXT NOT NULL REFERENCES persons (id),
    kind           TEXT NOT NULL,
    started        TEXT,
    ended          TEXT,
    note           TEXT,
    recorded_by    TEXT NOT NULL REFERENCES users (id),
    recorded_at    INTEGER NOT NULL
);
CREATE INDEX relationships_from ON relationships (from_person_id);
CREATE INDEX relationships_to ON relationships (to_person_id);

CREATE TABLE relationship_versions (
    relationship_id TEXT NOT NULL REFERENCES relationships (id),
    version         INTEGER NOT NULL,
    started         TEXT,
    ended           TEXT,
    note            TEXT,
    recorded_by     TEXT NOT NULL REFERENCES users (id),
    recorded_at     INTEGER NOT NULL,
    PRIMARY KEY (relationship_id, version)
);

-- occurred_at is the worker's local time, stored as microseconds as if it were UTC, for order.
CREATE TABLE case_notes (
    id           TEXT PRIMARY KEY,
    person_id    TEXT NOT NULL REFERENCES persons (id),
    version      INTEGER NOT NULL,
    details_json TEXT NOT NULL,
    occurred_at  INTEGER NOT NULL,
    significant  INTEGER NOT NULL,
    author_id    TEXT NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX case_notes_person ON case_notes (person_id, occurred_at);
CREATE INDEX case_notes_person_significant ON case_notes (person_id, significant, occurred_at);

CREATE TABLE case_note_versions (
    case_note_id TEXT NOT NULL REFERENCES case_notes (id),
    version      INTEGER NOT NULL,
    details_json TEXT NOT NULL,
    changed_by   TEXT NOT NULL REFERENCES users (id),
    changed_at   INTEGER NOT NULL,
    reason       TEXT,
    PRIMARY KEY (case_note_id, version)
);

-- The audit log: append-only, hash-chained (hearth_domain::audit). The head records the
-- last entry apart from the entries, so removing entries from the end is detected.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT,
    action    TEXT NOT NULL,
    person_id TEXT,
    target    TEXT,
    outcome   TEXT NOT NULL,
    reason    TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_log_person ON audit_log (person_id, seq);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Guards: the log only grows, one entry at a time, and the head follows it.
CREATE TRIGGER audit_log_in_order BEFORE INSERT ON audit_log
WHEN NEW.seq <> (SELECT seq FROM audit_head WHERE id = 1) + 1
BEGIN
    SELECT RAISE(ABORT, 'audit entries must be appended in order');
END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head
WHEN NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1
BEGIN
    SELECT RAISE(ABORT, 'the audit head only moves forward, one entry at a time');
END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
