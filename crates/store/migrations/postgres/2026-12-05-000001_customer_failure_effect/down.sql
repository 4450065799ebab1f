ALTER TABLE customers DROP COLUMN last_failure_effect;
