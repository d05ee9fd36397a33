-- The management chain is walked downwards on every request.
CREATE INDEX users_manager ON users (manager_id);
