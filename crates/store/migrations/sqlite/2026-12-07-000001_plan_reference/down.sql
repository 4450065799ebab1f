DROP INDEX plans_by_reference;
ALTER TABLE plans DROP COLUMN external_reference;
