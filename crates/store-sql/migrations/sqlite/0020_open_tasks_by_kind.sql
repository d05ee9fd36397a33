-- The children-in-care dashboard lists the LA's overdue care tasks (reviews, visits, health
-- assessments, PEPs, plans) whoever holds them: open tasks by kind and due date.
CREATE INDEX tasks_open_kind ON tasks (kind, due) WHERE done_at IS NULL;
