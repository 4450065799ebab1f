-- Team access: passwords, memberships with roles, one-time links, sessions,
-- login throttling.

ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN language TEXT;

CREATE TABLE memberships (
    creditor_id TEXT NOT NULL REFERENCES creditors (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (creditor_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id);

CREATE TABLE user_tokens (
    token_hash TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    creditor_id TEXT REFERENCES creditors (id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ
);
CREATE INDEX user_tokens_by_user ON user_tokens (user_id, purpose);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    creditor_id TEXT NOT NULL REFERENCES creditors (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE login_failures (
    throttle_key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ
);

ALTER TABLE api_keys ADD COLUMN created_by TEXT;
CREATE INDEX audit_events_filter ON audit_events (creditor_id, entity, action, id);
