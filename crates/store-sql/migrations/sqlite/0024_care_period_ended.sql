-- The day a period of care ended (issue 17), beside its outline, so that the lists of
-- children in care skip the periods that ended long ago (most of them, in time: every short
-- break is a period of its own). Written with every change to the period; filled here for
-- the periods already kept (the document keeps a date as [year, day of the year]).
ALTER TABLE front_door_records ADD COLUMN ended TEXT;
UPDATE front_door_records
   SET ended = date(printf('%04d-01-01', json_extract(doc, '$.period.ended.on[0]')),
                    printf('+%d days', json_extract(doc, '$.period.ended.on[1]') - 1))
 WHERE kind = 'care_period' AND json_extract(doc, '$.period.ended.on') IS NOT NULL;
