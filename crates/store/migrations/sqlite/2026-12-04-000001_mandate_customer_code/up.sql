-- Every mandate list shows the customer's reference. Kept on the mandate
-- (the store writes it with the mandate and rewrites it when the customer's
-- reference changes), a page reads its mandates alone: a search whose rows
-- are scattered (an IBAN ending) read two more pages per row to find it.
ALTER TABLE mandates ADD COLUMN customer_code TEXT;
UPDATE mandates SET customer_code = (
    SELECT customers.code FROM customers
    WHERE customers.id = mandates.customer_id
      AND customers.creditor_id = mandates.creditor_id
);
