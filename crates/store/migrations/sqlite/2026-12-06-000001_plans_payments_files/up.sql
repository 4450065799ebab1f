-- Plans, their payments, the history of each payment, and the bank files
-- that carry collections to the bank. A file's collections are copied into
-- bank_file_entries when the file is made, so it can be written again, byte
-- for byte, whatever happens to the mandates later.

-- The bank profile of the creditor's collection account.
ALTER TABLE creditors ADD COLUMN pain008_version TEXT NOT NULL DEFAULT 'pain.008.001.08';
ALTER TABLE creditors ADD COLUMN batch_booking BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE creditors ADD COLUMN cutoff_time TEXT NOT NULL DEFAULT '16:00';
ALTER TABLE creditors ADD COLUMN max_file_transactions BIGINT NOT NULL DEFAULT 100000;
ALTER TABLE creditors ADD COLUMN collection_limit_cents BIGINT NOT NULL DEFAULT 1000000;
-- The number of the creditor's last bank file (its message ids).
ALTER TABLE creditors ADD COLUMN file_sequence BIGINT NOT NULL DEFAULT 0;

CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    creditor_id TEXT NOT NULL REFERENCES creditors (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    kind TEXT NOT NULL,
    mandate_id TEXT REFERENCES mandates (id),
    card_alias_id TEXT REFERENCES card_aliases (id),
    amount_cents BIGINT NOT NULL,
    currency TEXT NOT NULL,
    frequency TEXT NOT NULL,
    collection_day INTEGER NOT NULL,
    start_on TEXT NOT NULL,
    end_on TEXT,
    instalments BIGINT,
    remittance TEXT,
    status TEXT NOT NULL,
    next_index BIGINT NOT NULL,
    -- The nominal date of the next instalment to create; NULL when none.
    next_due_on TEXT,
    created_count BIGINT NOT NULL,
    stop_reason TEXT,
    stopped_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX plans_due ON plans (creditor_id, next_due_on, id);
CREATE INDEX plans_by_customer ON plans (creditor_id, customer_id);
CREATE INDEX plans_by_mandate ON plans (creditor_id, mandate_id);
CREATE INDEX plans_by_card ON plans (creditor_id, card_alias_id);
CREATE INDEX plans_by_status ON plans (creditor_id, status, id);
-- A batch of plans named by id is looked up by key, not by walking the
-- creditor's plans.
CREATE INDEX plans_by_id ON plans (creditor_id, id);

CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    creditor_id TEXT NOT NULL REFERENCES creditors (id),
    plan_id TEXT NOT NULL REFERENCES plans (id),
    instalment BIGINT NOT NULL,
    last_instalment BOOLEAN NOT NULL,
    customer_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    mandate_id TEXT,
    card_alias_id TEXT,
    amount_cents BIGINT NOT NULL,
    currency TEXT NOT NULL,
    due_on TEXT NOT NULL,
    remittance TEXT,
    end_to_end_id TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX payments_instalment ON payments (plan_id, instalment);
CREATE UNIQUE INDEX payments_end_to_end ON payments (creditor_id, end_to_end_id);
CREATE INDEX payments_to_send ON payments (creditor_id, status, due_on);
CREATE INDEX payments_by_customer ON payments (creditor_id, customer_id, id);

CREATE TABLE payment_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    creditor_id TEXT NOT NULL REFERENCES creditors (id),
    payment_id TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    cause TEXT NOT NULL,
    actor TEXT NOT NULL
);
CREATE INDEX payment_events_by_payment ON payment_events (creditor_id, payment_id, id);

CREATE TABLE bank_files (
    id TEXT PRIMARY KEY,
    creditor_id TEXT NOT NULL REFERENCES creditors (id),
    message_id TEXT NOT NULL,
    format TEXT NOT NULL,
    batch_booking BOOLEAN NOT NULL,
    -- The business day whose run made it.
    run_on TEXT NOT NULL,
    status TEXT NOT NULL,
    transactions BIGINT NOT NULL,
    control_sum_cents BIGINT NOT NULL,
    -- SHA-256 of the content and its size, once written.
    sha256 TEXT,
    size_bytes BIGINT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    discarded_at TEXT,
    discard_reason TEXT
);
CREATE UNIQUE INDEX bank_files_message_id ON bank_files (creditor_id, message_id);
CREATE INDEX bank_files_by_status ON bank_files (creditor_id, status, id);

CREATE TABLE bank_file_entries (
    file_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    creditor_id TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    scheme TEXT NOT NULL,
    sequence_type TEXT NOT NULL,
    due_on TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    end_to_end_id TEXT NOT NULL,
    remittance TEXT,
    mandate_reference TEXT NOT NULL,
    signed_on TEXT NOT NULL,
    debtor_name TEXT NOT NULL,
    iban TEXT NOT NULL,
    bic TEXT,
    original_reference TEXT,
    original_debtor_name TEXT,
    original_account TEXT,
    original_debtor_agent TEXT,
    PRIMARY KEY (file_id, position)
);
CREATE UNIQUE INDEX bank_file_entries_payment ON bank_file_entries (creditor_id, payment_id);

-- A file's payment blocks (PmtInf), counted and added up when it is made.
CREATE TABLE bank_file_blocks (
    file_id TEXT NOT NULL,
    block BIGINT NOT NULL,
    creditor_id TEXT NOT NULL,
    scheme TEXT NOT NULL,
    sequence_type TEXT NOT NULL,
    due_on TEXT NOT NULL,
    transactions BIGINT NOT NULL,
    sum_cents BIGINT NOT NULL,
    PRIMARY KEY (file_id, block)
);
