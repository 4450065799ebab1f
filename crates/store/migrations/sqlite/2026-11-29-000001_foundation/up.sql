-- Foundation: tenants, identities, audit, work queues, idempotency, imported files.
-- Timestamps are UTC (fixed-width RFC 3339 text, which sorts in time order); ids are prefixed text (see docs/adr/0001-storage.md).

CREATE TABLE creditors (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    ics TEXT NOT NULL UNIQUE,
    iban TEXT NOT NULL,
    bic TEXT,
    timezone TEXT NOT NULL,
    language TEXT NOT NULL,
    representation_delay_days INTEGER NOT NULL,
    max_rejections INTEGER NOT NULL,
    insufficient_funds_retry_interval_hours INTEGER NOT NULL,
    insufficient_funds_retry_cap INTEGER NOT NULL,
    billing_contact_email TEXT,
    pre_notification_days INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    creditor_id TEXT NOT NULL REFERENCES creditors (id),
    name TEXT NOT NULL,
    scope TEXT NOT NULL,
    prefix TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT,
    last_used_at TEXT
);
CREATE INDEX api_keys_by_creditor ON api_keys (creditor_id, id);

CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    creditor_id TEXT NOT NULL REFERENCES creditors (id),
    at TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_events_by_creditor ON audit_events (creditor_id, id);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    creditor_id TEXT REFERENCES creditors (id),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    priority INTEGER NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    run_at TEXT NOT NULL,
    locked_by TEXT,
    locked_until TEXT,
    last_error TEXT,
    dedup_key TEXT UNIQUE,
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX jobs_ready ON jobs (priority DESC, id) WHERE state = 'queued';
CREATE INDEX jobs_leased ON jobs (locked_until) WHERE state = 'running';
CREATE INDEX jobs_by_creditor ON jobs (creditor_id, id);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    creditor_id TEXT REFERENCES creditors (id),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    priority INTEGER NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    run_at TEXT NOT NULL,
    locked_by TEXT,
    locked_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX outbox_ready ON outbox (priority DESC, id) WHERE state = 'queued';
CREATE INDEX outbox_leased ON outbox (locked_until) WHERE state = 'running';
CREATE INDEX outbox_by_creditor ON outbox (creditor_id, id);

CREATE TABLE idempotency_keys (
    creditor_id TEXT NOT NULL REFERENCES creditors (id),
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response_status INTEGER,
    response_body TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (creditor_id, key)
);

CREATE TABLE imported_files (
    id TEXT PRIMARY KEY,
    creditor_id TEXT NOT NULL REFERENCES creditors (id),
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (creditor_id, kind, content_sha256)
);
