-- Administrators can change an account's role (issue 16). The service managers' list of
-- accounts given a role that reads records LA-wide finds role changes as well as new
-- accounts, so the partial index covers both actions.
DROP INDEX audit_log_user_create;
CREATE INDEX audit_log_role_grants ON audit_log (at) WHERE action IN ('user.create', 'user.change_role');
