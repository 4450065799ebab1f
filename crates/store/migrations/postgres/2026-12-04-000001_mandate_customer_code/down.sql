ALTER TABLE mandates DROP COLUMN customer_code;
