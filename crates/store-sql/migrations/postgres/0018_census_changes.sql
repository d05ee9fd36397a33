-- The people whose part of the CIN census may have changed, in the order the changes were
-- committed (issue 16). Each instance keeps the census checked in memory and refreshes only
-- these children. Filled by triggers, so that no write path can forget it; housekeeping
-- keeps the newest rows only.
CREATE TABLE census_changes (
    seq        BIGSERIAL PRIMARY KEY,
    person_id  TEXT NOT NULL
);

-- The triggers are deferred to the commit and take one lock, held until the commit is
-- visible: numbers are then given in commit order, so a reader that has seen one change has
-- seen every change numbered before it (a sequence alone numbers in the order of the calls).
CREATE FUNCTION hearth_census_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('hearth.census_changes'));
    IF TG_TABLE_NAME = 'persons' THEN
        INSERT INTO census_changes (person_id) VALUES (NEW.id);
    ELSIF TG_TABLE_NAME = 'front_door_people' THEN
        INSERT INTO census_changes (person_id) VALUES (NEW.person_id);
    ELSE
        INSERT INTO census_changes (person_id) SELECT person_id FROM front_door_people WHERE record_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;

-- A person's facts, allocation, restriction or LA child id.
CREATE CONSTRAINT TRIGGER census_change_person AFTER UPDATE ON persons
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION hearth_census_changed();
-- A new referral, assessment or episode (or contact) about a person.
CREATE CONSTRAINT TRIGGER census_change_new_record AFTER INSERT ON front_door_people
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION hearth_census_changed();
-- A changed one.
CREATE CONSTRAINT TRIGGER census_change_record AFTER UPDATE ON front_door_records
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION hearth_census_changed();
