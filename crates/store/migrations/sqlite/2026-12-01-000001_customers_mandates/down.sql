DROP TABLE domain_events;
DROP TABLE card_aliases;
DROP TABLE mandates;
DROP TABLE customers;
ALTER TABLE creditors DROP COLUMN first_collection;
ALTER TABLE creditors DROP COLUMN umr_next;
ALTER TABLE creditors DROP COLUMN umr_pattern;
