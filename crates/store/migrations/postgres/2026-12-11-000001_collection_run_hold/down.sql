ALTER TABLE creditors DROP COLUMN run_held_until;
ALTER TABLE creditors DROP COLUMN run_held_by;
