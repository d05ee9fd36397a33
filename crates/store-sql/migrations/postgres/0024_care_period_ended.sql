-- The day a period of care ended (issue 17), beside its outline, so that the lists of
-- children in care skip the periods that ended long ago (most of them, in time: every short
-- break is a period of its own). Written with every change to the period; filled here for
-- the periods already kept (the document keeps a date as [year, day of the year]).
ALTER TABLE front_door_records ADD COLUMN ended TEXT;
UPDATE front_door_records
   SET ended = to_char(make_date((doc::jsonb #>> '{period,ended,on,0}')::int, 1, 1)
                       + ((doc::jsonb #>> '{period,ended,on,1}')::int - 1), 'YYYY-MM-DD')
 WHERE kind = 'care_period' AND doc::jsonb #> '{period,ended,on}' IS NOT NULL;
