-- A query of the CIN census (a rule the DfE flags for a reason rather than refuses) needs an
-- explanation when the return is sent (issue 16). One per child, rule and collection year;
-- saving again replaces it (the audit log keeps each).
CREATE TABLE census_explanations (
    year         TEXT NOT NULL,
    person_id    TEXT NOT NULL REFERENCES persons (id),
    rule         TEXT NOT NULL,
    text         TEXT NOT NULL,
    recorded_by  TEXT NOT NULL REFERENCES users (id),
    recorded_at  BIGINT NOT NULL,
    PRIMARY KEY (year, person_id, rule)
);
