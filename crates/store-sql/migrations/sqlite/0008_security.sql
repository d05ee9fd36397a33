-- Security (issue 14). Keep in step with ../postgres/0008_security.sql.

-- The last TOTP time step accepted for the user: a code of that step or an earlier one is
-- refused, so a code cannot be replayed within its 30 seconds.
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;

-- An authenticator secret Hearth proposed to the session's user (enrolment, replacement):
-- the one a code is checked against, never one the browser sends.
ALTER TABLE sessions ADD COLUMN proposed_totp TEXT;

-- One-time set-up links: a new account (or one whose administrator issued a new link) sets
-- its own password and authenticator with one. Only the token's SHA-256 is kept.
CREATE TABLE setup_links (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL,
    created_by TEXT REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    proposed_totp TEXT,
    used_at    INTEGER
);
CREATE UNIQUE INDEX setup_links_token_hash ON setup_links (token_hash);
CREATE INDEX setup_links_user ON setup_links (user_id);

-- Drafts expire: the oldest are found by age.
CREATE INDEX drafts_created ON drafts (created_at);

-- New accounts with LA-wide read, for the service managers' home page.
CREATE INDEX audit_log_user_create ON audit_log (at) WHERE action = 'user.create';
