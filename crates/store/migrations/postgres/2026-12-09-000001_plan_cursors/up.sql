-- Where each plan is in its schedule, apart from the plan: the daily run
-- moves a million plans on each month, and rewriting a narrow row costs a
-- fraction of rewriting the plan's (with its text columns) and moving its
-- entry in a "next due date" index. No such index: the run walks the
-- creditor's cursors in key order, which reads them all once a day, and
-- with no indexed column changed PostgreSQL updates a cursor in place
-- (HOT). See docs/adr/0009-plan-cursors.md.
CREATE TABLE plan_cursors (
    creditor_id TEXT NOT NULL REFERENCES creditors (id),
    plan_id TEXT NOT NULL REFERENCES plans (id),
    next_index BIGINT NOT NULL,
    -- The nominal date of the next instalment to create; NULL when none.
    next_due_on TEXT,
    created_count BIGINT NOT NULL,
    -- When the run last created an instalment (the plan's own changes are
    -- in plans.updated_at).
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (creditor_id, plan_id)
);

INSERT INTO plan_cursors (creditor_id, plan_id, next_index, next_due_on, created_count, updated_at)
SELECT creditor_id, id, next_index, next_due_on, created_count, updated_at FROM plans;

DROP INDEX plans_due;
ALTER TABLE plans DROP COLUMN next_index, DROP COLUMN next_due_on, DROP COLUMN created_count;
