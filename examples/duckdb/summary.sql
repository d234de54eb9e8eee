-- Per-customer summaries for the BG/NBD and Gamma-Gamma models, with the
-- definitions of lifetimes' summary_data_from_transaction_data and of
-- crmscore's `fit`: purchase occasions are calendar days, times are whole
-- days divided by the unit (7 for weeks).
--
-- Input: a table or view transactions(customer_id, order_date DATE, amount DOUBLE).
-- Output: one row per customer with frequency, recency, T, monetary_value,
-- the rows `fitSummaries` takes.
--
-- Plain SQL with window functions. For Spark SQL, replace
-- date_diff('day', a, b) with datediff(b, a); the rest runs as is.
WITH params AS (
  SELECT DATE '1997-09-30' AS as_of, 7 AS unit_days
),
occasions AS (
  -- One purchase occasion per customer and day; its amount is the day's total.
  SELECT t.customer_id, t.order_date AS day, SUM(t.amount) AS amount
  FROM transactions t CROSS JOIN params p
  WHERE t.order_date <= p.as_of
  GROUP BY t.customer_id, t.order_date
),
numbered AS (
  SELECT customer_id, day, amount,
         ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY day) AS n
  FROM occasions
)
SELECT
  customer_id,
  -- Repeat occasions: all but the first.
  CAST(COUNT(*) - 1 AS DOUBLE) AS frequency,
  -- First to last occasion.
  CAST(date_diff('day', MIN(day), MAX(day)) AS DOUBLE) / MAX(p.unit_days) AS recency,
  -- First occasion to the end of observation.
  CAST(date_diff('day', MIN(day), MAX(p.as_of)) AS DOUBLE) / MAX(p.unit_days) AS T,
  -- Mean amount of the repeat occasions, 0 without one.
  COALESCE(SUM(CASE WHEN n > 1 THEN amount END) / NULLIF(COUNT(*) - 1, 0), 0) AS monetary_value
FROM numbered CROSS JOIN params p
GROUP BY customer_id
ORDER BY customer_id
