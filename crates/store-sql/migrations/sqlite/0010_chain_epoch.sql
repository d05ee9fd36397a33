-- Who is below whom changes rarely and is read on every request (a service manager's chain
-- can hold thousands of people). This counter moves whenever the chain could have changed
-- (a user added or removed, a manager or team changed), by trigger so that no path that
-- writes users can forget it; an instance keeps the chains it has walked while the counter
-- stands still.
CREATE TABLE chain_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO chain_epoch (id, n) VALUES (1, 0);

CREATE TRIGGER users_chain_inserted AFTER INSERT ON users
BEGIN
    UPDATE chain_epoch SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER users_chain_deleted AFTER DELETE ON users
BEGIN
    UPDATE chain_epoch SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER users_chain_changed AFTER UPDATE OF manager_id, team_id ON users
WHEN OLD.manager_id IS NOT NEW.manager_id OR OLD.team_id IS NOT NEW.team_id
BEGIN
    UPDATE chain_epoch SET n = n + 1 WHERE id = 1;
END;
