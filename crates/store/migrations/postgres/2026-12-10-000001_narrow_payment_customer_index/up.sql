-- A customer's payments are found by the customer's id alone: ids are
-- unique across creditors, and every query still names its creditor (the
-- row is checked). The daily run writes an entry of this index for each
-- instalment; without the creditor's and the payment's ids it is a third
-- of the size (a customer's page sorts its few payments itself).
DROP INDEX payments_by_customer;
CREATE INDEX payments_by_customer ON payments (customer_id);
