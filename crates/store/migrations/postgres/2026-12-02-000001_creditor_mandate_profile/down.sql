ALTER TABLE creditors DROP COLUMN country;
ALTER TABLE creditors DROP COLUMN city;
ALTER TABLE creditors DROP COLUMN postal_code;
ALTER TABLE creditors DROP COLUMN address_line2;
ALTER TABLE creditors DROP COLUMN address_line1;
