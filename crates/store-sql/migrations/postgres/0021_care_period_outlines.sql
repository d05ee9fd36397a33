-- A period of care's outline (issue 17): its document without the reviews, health, education
-- and family time the lists of children never show, kept beside the document so that the
-- children-in-care dashboard reads a small fraction of the text. Written with every change to
-- the period; documents written before it have none and are read whole.
ALTER TABLE front_door_records ADD COLUMN outline TEXT;
