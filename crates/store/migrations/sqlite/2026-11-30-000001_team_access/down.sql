DROP INDEX audit_events_filter;
ALTER TABLE api_keys DROP COLUMN created_by;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE user_tokens;
DROP TABLE memberships;
ALTER TABLE users DROP COLUMN language;
ALTER TABLE users DROP COLUMN password_hash;
