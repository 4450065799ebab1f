-- Customers, their mandates and card aliases, and the domain events other
-- modules react to. Calendar dates are ISO text (YYYY-MM-DD) on both engines.

ALTER TABLE creditors ADD COLUMN umr_pattern TEXT;
ALTER TABLE creditors ADD COLUMN umr_next BIGINT NOT NULL DEFAULT 1;
ALTER TABLE creditors ADD COLUMN first_collection TEXT NOT NULL DEFAULT 'frst';

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    creditor_id TEXT NOT NULL REFERENCES creditors (id),
    code TEXT NOT NULL,
    civility TEXT NOT NULL,
    last_name TEXT,
    first_name TEXT,
    company TEXT,
    address_line1 TEXT,
    address_line2 TEXT,
    address_line3 TEXT,
    postal_code TEXT,
    city TEXT,
    country TEXT,
    email TEXT,
    phone TEXT,
    mobile TEXT,
    language TEXT,
    status TEXT NOT NULL,
    payer_id TEXT REFERENCES customers (id),
    -- Lower-case code, names, company and email, for the text search.
    search_text TEXT NOT NULL,
    payment_method TEXT NOT NULL,
    payment_method_id TEXT,
    last_outcome TEXT,
    last_reason_code TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX customers_code ON customers (creditor_id, code);
CREATE INDEX customers_by_status ON customers (creditor_id, status, id);
CREATE INDEX customers_by_payer ON customers (creditor_id, payer_id);
CREATE INDEX customers_by_created ON customers (creditor_id, created_at, id);

CREATE TABLE mandates (
    id TEXT PRIMARY KEY,
    creditor_id TEXT NOT NULL REFERENCES creditors (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    reference TEXT,
    scheme TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    debtor_name TEXT NOT NULL,
    debtor_address_line1 TEXT,
    debtor_address_line2 TEXT,
    debtor_postal_code TEXT,
    debtor_city TEXT,
    debtor_country TEXT,
    iban TEXT NOT NULL,
    iban_last4 TEXT NOT NULL,
    bic TEXT,
    signed_on TEXT NOT NULL,
    signature_place TEXT,
    signature_method TEXT NOT NULL,
    first_collection_pending BOOLEAN NOT NULL,
    last_collection_on TEXT,
    original_reference TEXT,
    original_debtor_name TEXT,
    original_account TEXT,
    original_debtor_agent TEXT,
    revoked_at TEXT,
    revocation_reason TEXT,
    expired_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX mandates_reference ON mandates (creditor_id, reference);
CREATE INDEX mandates_by_customer ON mandates (creditor_id, customer_id);
CREATE INDEX mandates_by_iban_last4 ON mandates (creditor_id, iban_last4);
CREATE INDEX mandates_by_status ON mandates (creditor_id, status, id);
CREATE INDEX mandates_by_signature ON mandates (creditor_id, signed_on, id);
CREATE INDEX mandates_dormancy ON mandates (status, last_collection_on, signed_on);

CREATE TABLE card_aliases (
    id TEXT PRIMARY KEY,
    creditor_id TEXT NOT NULL REFERENCES creditors (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    token TEXT NOT NULL,
    brand TEXT NOT NULL,
    last4 TEXT NOT NULL,
    expiry_month INTEGER NOT NULL,
    expiry_year INTEGER NOT NULL,
    holder TEXT,
    status TEXT NOT NULL,
    deletion TEXT,
    deleted_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX card_aliases_token ON card_aliases (creditor_id, token);
CREATE INDEX card_aliases_by_customer ON card_aliases (creditor_id, customer_id);
CREATE INDEX card_aliases_by_expiry ON card_aliases (status, expiry_year, expiry_month);

CREATE TABLE domain_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    creditor_id TEXT NOT NULL REFERENCES creditors (id),
    kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    occurred_at TEXT NOT NULL
);
CREATE INDEX domain_events_by_kind ON domain_events (creditor_id, kind, id);
