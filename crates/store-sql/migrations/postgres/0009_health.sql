-- Operations (issue 15): one row that /healthz and start-up write to, so that "the database
-- can be written now" is checked by a real commit (a full disk or a read-only database
-- fails it) without an audit entry per probe.
CREATE TABLE health (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    beat BIGINT NOT NULL,
    at   BIGINT NOT NULL
);
INSERT INTO health (id, beat, at) VALUES (1, 0, 0);
