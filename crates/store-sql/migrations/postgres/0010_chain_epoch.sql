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

CREATE FUNCTION hearth_chain_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE chain_epoch SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END $$;

CREATE TRIGGER users_chain_inserted_or_deleted AFTER INSERT OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION hearth_chain_moved();
CREATE TRIGGER users_chain_changed AFTER UPDATE OF manager_id, team_id ON users
    FOR EACH ROW WHEN (OLD.manager_id IS DISTINCT FROM NEW.manager_id OR OLD.team_id IS DISTINCT FROM NEW.team_id)
    EXECUTE FUNCTION hearth_chain_moved();
