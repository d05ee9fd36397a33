-- Work trays (issue 16): a task whose step is with someone else waits on them (an assessment
-- sent for authorisation waits on the manager), so it is neither overdue for its holder nor
-- counted twice in the team's figures; and a sign-off task says who sent it and when.
ALTER TABLE tasks ADD COLUMN waiting_with TEXT REFERENCES users (id);
ALTER TABLE tasks ADD COLUMN waiting_since INTEGER;
ALTER TABLE tasks ADD COLUMN sent_by TEXT REFERENCES users (id);
ALTER TABLE tasks ADD COLUMN sent_at INTEGER;

-- An open sign-off task was sent by whoever made the assessment's last step (the submission).
UPDATE tasks SET
    sent_by = (SELECT json_extract(a.doc, '$.history[#-1].by') FROM front_door_records a WHERE a.id = tasks.subject_id),
    sent_at = (SELECT a.updated_at FROM front_door_records a WHERE a.id = tasks.subject_id)
WHERE kind = 'assessment_authorisation' AND done_at IS NULL;

-- The worker's assessment tasks of a referral whose assessment is submitted wait on the
-- manager holding the sign-off.
UPDATE tasks SET
    waiting_since = (SELECT MAX(a.updated_at) FROM front_door_records a
                     WHERE a.kind = 'assessment' AND a.parent_id = tasks.subject_id AND json_extract(a.doc, '$.state') = 'submitted'),
    waiting_with = (SELECT s.assignee_id FROM tasks s JOIN front_door_records a ON a.id = s.subject_id
                    WHERE s.kind = 'assessment_authorisation' AND s.done_at IS NULL AND a.parent_id = tasks.subject_id LIMIT 1)
WHERE kind IN ('initial_assessment', 'core_assessment', 'single_assessment') AND done_at IS NULL AND subject_type = 'referral';
UPDATE tasks SET waiting_with = NULL WHERE waiting_since IS NULL;
