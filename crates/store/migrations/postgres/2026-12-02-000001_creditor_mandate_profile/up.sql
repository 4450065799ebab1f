-- The creditor's postal address, printed on mandate forms beside its ICS.
ALTER TABLE creditors ADD COLUMN address_line1 TEXT;
ALTER TABLE creditors ADD COLUMN address_line2 TEXT;
ALTER TABLE creditors ADD COLUMN postal_code TEXT;
ALTER TABLE creditors ADD COLUMN city TEXT;
ALTER TABLE creditors ADD COLUMN country TEXT;
