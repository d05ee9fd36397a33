-- Whether the child was seen (1) or seen alone (2) in a case note, as a column, so the case
-- summary on every page about a child finds when they were last seen without reading every
-- note's text.
ALTER TABLE case_notes ADD COLUMN seen INTEGER NOT NULL DEFAULT 0;
UPDATE case_notes SET seen = CASE
    WHEN json_extract(details_json, '$.seen_alone') THEN 2
    WHEN json_extract(details_json, '$.child_seen') THEN 1
    ELSE 0 END;
CREATE INDEX case_notes_person_seen ON case_notes (person_id, seen, occurred_at);
