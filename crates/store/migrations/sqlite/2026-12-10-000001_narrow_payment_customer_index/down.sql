DROP INDEX payments_by_customer;
CREATE INDEX payments_by_customer ON payments (creditor_id, customer_id, id);
