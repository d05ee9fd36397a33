-- Children in care (issue 17): periods of care and providers of placements are documents in
-- front_door_records like the front door's. The children-in-care dashboard and the list of
-- providers read every document of one kind, so the kind is indexed.
CREATE INDEX front_door_records_kind ON front_door_records (kind);
