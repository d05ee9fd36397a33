-- The people whose part of the CIN census may have changed, in the order the changes were
-- committed (issue 16). Each instance keeps the census checked in memory and refreshes only
-- these children. Filled by triggers, so that no write path can forget it; housekeeping
-- keeps the newest rows only. SQLite has one writer at a time, so numbers follow commits.
CREATE TABLE census_changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id  TEXT NOT NULL
);

-- A person's facts, allocation, restriction or LA child id.
CREATE TRIGGER census_change_person AFTER UPDATE ON persons
BEGIN
    INSERT INTO census_changes (person_id) VALUES (NEW.id);
END;

-- A new referral, assessment or episode (or contact) about a person.
CREATE TRIGGER census_change_new_record AFTER INSERT ON front_door_people
BEGIN
    INSERT INTO census_changes (person_id) VALUES (NEW.person_id);
END;

-- A changed one.
CREATE TRIGGER census_change_record AFTER UPDATE ON front_door_records
BEGIN
    INSERT INTO census_changes (person_id) SELECT person_id FROM front_door_people WHERE record_id = NEW.id;
END;
