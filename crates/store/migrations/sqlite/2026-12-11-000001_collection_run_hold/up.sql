-- Who runs the creditor's collection day now, and until when (renewed at
-- each step): the server's daily job and `prelevo collect` never run one
-- creditor's day at the same time.
ALTER TABLE creditors ADD COLUMN run_held_by TEXT;
ALTER TABLE creditors ADD COLUMN run_held_until TEXT;
