DROP TABLE imported_files;
DROP TABLE idempotency_keys;
DROP TABLE outbox;
DROP TABLE jobs;
DROP TABLE audit_events;
DROP TABLE api_keys;
DROP TABLE users;
DROP TABLE creditors;
