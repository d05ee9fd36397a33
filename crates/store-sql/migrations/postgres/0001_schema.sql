-- The Hearth schema for PostgreSQL. Keep it in step with ../sqlite/0001_schema.sql: the same
-- SQL text runs on both, so every column has the same meaning on both.
--
-- ids: hyphenated UUID text. Timestamps: unix microseconds UTC (BIGINT). Dates: 'YYYY-MM-DD'
-- text. Booleans: 0/1 BIGINT (never BOOLEAN: the Any driver decodes it differently from
-- SQLite). JSON documents: text. Every integer is BIGINT. Columns that are range-searched or
-- sorted are COLLATE "C" (code-point order), as SQLite's BINARY, whatever the database locale.
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
    failed_logins BIGINT NOT NULL,
    locked_until  BIGINT,
    active        BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_username_key ON users (username_key);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    token_hash   TEXT NOT NULL,
    csrf_token   TEXT NOT NULL,
    mfa_passed   BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX sessions_token_hash ON sessions (token_hash);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE UNIQUE INDEX api_tokens_token_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE drafts (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    path       TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- `ref` is a compact key for the search index, used only inside the store; `id` is the
-- person's Hearth id everywhere else.
CREATE TABLE persons (
    ref                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                     TEXT NOT NULL UNIQUE,
    version                BIGINT NOT NULL,
    details_json           TEXT NOT NULL,
    kind                   TEXT NOT NULL,
    family_name_folded     TEXT COLLATE "C" NOT NULL,
    given_name_folded      TEXT COLLATE "C" NOT NULL,
    date_of_birth          TEXT,
    expected_date_of_birth TEXT,
    nhs_number             TEXT,
    upn                    TEXT,
    restricted             BIGINT NOT NULL,
    allocated_team_id      TEXT REFERENCES teams (id),
    allocated_worker_id    TEXT REFERENCES users (id),
    created_at             BIGINT NOT NULL,
    created_by             TEXT NOT NULL REFERENCES users (id),
    updated_at             BIGINT NOT NULL
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
    version             BIGINT NOT NULL,
    details_json        TEXT NOT NULL,
    restricted          BIGINT NOT NULL,
    allocated_team_id   TEXT,
    allocated_worker_id TEXT,
    changed_by          TEXT NOT NULL REFERENCES users (id),
    changed_at          BIGINT NOT NULL,
    reason              TEXT,
    PRIMARY KEY (person_id, version)
);

-- Name search keys (hearth_domain::search::index_keys); kind 0 = whole token, 1 = deletion.
-- The primary key serves both look-ups: a prefix range on kind 0, and exact keys of either
-- kind. About 14 keys per person, so rows are kept small (an integer person reference).
CREATE TABLE person_search_keys (
    kind       BIGINT NOT NULL,
    key        TEXT COLLATE "C" NOT NULL,
    person_ref BIGINT NOT NULL REFERENCES persons (ref),
    PRIMARY KEY (kind, key, person_ref)
);
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
    granted_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX break_glass_person_user ON break_glass (person_id, user_id, expires_at);
CREATE INDEX break_glass_granted ON break_glass (granted_at);

CREATE TABLE relationships (
    id             TEXT PRIMARY KEY,
    version        BIGINT NOT NULL,
    from_person_id TEXT NOT NULL REFERENCES persons (id),
    to_person_id   TEXT NOT NULL REFERENCES persons (id),
    kind           TEXT NOT NULL,
    started        TEXT,
    ended          TEXT,
    note           TEXT,
    recorded_by    TEXT NOT NULL REFERENCES users (id),
    recorded_at    BIGINT NOT NULL
);
CREATE INDEX relationships_from ON relationships (from_person_id);
CREATE INDEX relationships_to ON relationships (to_person_id);

CREATE TABLE relationship_versions (
    relationship_id TEXT NOT NULL REFERENCES relationships (id),
    version         BIGINT NOT NULL,
    started         TEXT,
    ended           TEXT,
    note            TEXT,
    recorded_by     TEXT NOT NULL REFERENCES users (id),
    recorded_at     BIGINT NOT NULL,
    PRIMARY KEY (relationship_id, version)
);

-- occurred_at is the worker's local time, stored as microseconds as if it were UTC, for order.
CREATE TABLE case_notes (
    id           TEXT PRIMARY KEY,
    person_id    TEXT NOT NULL REFERENCES persons (id),
    version      BIGINT NOT NULL,
    details_json TEXT NOT NULL,
    occurred_at  BIGINT NOT NULL,
    significant  BIGINT NOT NULL,
    author_id    TEXT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX case_notes_person ON case_notes (person_id, occurred_at);
CREATE INDEX case_notes_person_significant ON case_notes (person_id, significant, occurred_at);

CREATE TABLE case_note_versions (
    case_note_id TEXT NOT NULL REFERENCES case_notes (id),
    version      BIGINT NOT NULL,
    details_json TEXT NOT NULL,
    changed_by   TEXT NOT NULL REFERENCES users (id),
    changed_at   BIGINT NOT NULL,
    reason       TEXT,
    PRIMARY KEY (case_note_id, version)
);

-- The audit log: append-only, hash-chained (hearth_domain::audit). The head records the
-- last entry apart from the entries, so removing entries from the end is detected; writers
-- lock the head row (SELECT ... FOR UPDATE), which puts concurrent appends in one order.
CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY,
    at        BIGINT NOT NULL,
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
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Guards: the log only grows, one entry at a time, and the head follows it.
CREATE FUNCTION hearth_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$;

CREATE FUNCTION hearth_audit_in_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq <> (SELECT seq FROM audit_head WHERE id = 1) + 1 THEN
        RAISE EXCEPTION 'audit entries must be appended in order';
    END IF;
    RETURN NEW;
END
$$;

CREATE FUNCTION hearth_audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 THEN
        RAISE EXCEPTION 'the audit head only moves forward, one entry at a time';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_log_in_order BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION hearth_audit_in_order();
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION hearth_audit_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION hearth_audit_append_only();
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION hearth_audit_head_forward();
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION hearth_audit_append_only();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION hearth_audit_append_only();
