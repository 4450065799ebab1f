ALTER TABLE payment_events DROP COLUMN cause_details;
