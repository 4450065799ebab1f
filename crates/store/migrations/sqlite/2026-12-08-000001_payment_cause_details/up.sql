-- A payment's history keeps why each change happened as a stable code
-- (`cause`) and, here, that code's details as a JSON object of text values
-- (a file's message id, dates, a gateway's reference), so that each reader
-- gets the cause in their own language. Rows kept before hold the cause in
-- words and no details; they are shown as kept.
ALTER TABLE payment_events ADD COLUMN cause_details TEXT;
