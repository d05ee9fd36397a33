-- The duty rota: who is on duty for a team in each morning ('am') and afternoon ('pm')
-- session of a working day.
CREATE TABLE duty_rota (
    team_id  TEXT NOT NULL REFERENCES teams (id),
    date     TEXT NOT NULL,
    half     TEXT NOT NULL CHECK (half IN ('am', 'pm')),
    user_id  TEXT NOT NULL REFERENCES users (id),
    added_by TEXT NOT NULL REFERENCES users (id),
    added_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, date, half, user_id)
);
