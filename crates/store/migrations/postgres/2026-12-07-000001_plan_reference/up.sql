-- The creditor's own reference for a plan (its contract or subscription
-- number): a plan file names plans by it, so importing the same file again
-- finds them instead of making others. Optional (plans made before, or
-- without one, have none) and unique per creditor.
ALTER TABLE plans ADD COLUMN external_reference TEXT;
CREATE UNIQUE INDEX plans_by_reference ON plans (creditor_id, external_reference);
