-- What the last failed collection says about the payment method
-- (insufficient_funds, invalid or no_effect; NULL when the last payment did
-- not fail), written with the reason code from the domain's table. The
-- health filters compare it to one value: a list of codes in the query
-- made SQLite prepare the statement again at every page.
ALTER TABLE customers ADD COLUMN last_failure_effect TEXT;
UPDATE customers SET last_failure_effect = CASE
    WHEN last_outcome <> 'failed' OR last_outcome IS NULL THEN NULL
    WHEN last_reason_code IN ('AM04', 'MS03') THEN 'insufficient_funds'
    WHEN last_reason_code IN ('AC01', 'AC04', 'AC06', 'AC13', 'AG01', 'DNOR',
        'MD01', 'MD02', 'MD07', 'MS02', 'RR01', 'RR02', 'SL01') THEN 'invalid'
    ELSE 'no_effect'
END;
