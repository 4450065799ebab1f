ALTER TABLE plans ADD COLUMN next_index BIGINT NOT NULL DEFAULT 0;
ALTER TABLE plans ADD COLUMN next_due_on TEXT;
ALTER TABLE plans ADD COLUMN created_count BIGINT NOT NULL DEFAULT 0;
UPDATE plans SET
    next_index = (SELECT c.next_index FROM plan_cursors c WHERE c.plan_id = plans.id),
    next_due_on = (SELECT c.next_due_on FROM plan_cursors c WHERE c.plan_id = plans.id),
    created_count = (SELECT c.created_count FROM plan_cursors c WHERE c.plan_id = plans.id);
CREATE INDEX plans_due ON plans (creditor_id, next_due_on, id);
DROP TABLE plan_cursors;
