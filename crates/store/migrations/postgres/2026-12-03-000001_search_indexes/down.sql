DROP INDEX customers_by_id;
DROP INDEX mandates_by_id;
DROP INDEX mandates_by_customer;
CREATE INDEX mandates_by_customer ON mandates (creditor_id, customer_id);
DROP INDEX mandates_by_iban_last4;
CREATE INDEX mandates_by_iban_last4 ON mandates (creditor_id, iban_last4);
DROP INDEX mandates_by_reference_key;
ALTER TABLE mandates DROP COLUMN reference_key;
