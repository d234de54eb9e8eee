-- Grouped summaries: summary.sql's rows with the customers who share all four
-- values collapsed into one row with their number, `count`, which fitSummaries
-- weights the likelihoods by (so grouped and ungrouped rows give the same fit).
-- A base of any size reaches the package as a few hundred thousand rows at most
-- when the spend is left out: Gamma-Gamma's likelihood depends on each
-- customer's own mean spend, so for the purchase model alone select
-- 0 AS monetary_value (the rows then collapse to the distinct (x, t_x, T)),
-- or round the spend to the precision you accept.
--
-- Input: a table or view transactions(customer_id, order_date DATE, amount DOUBLE).
-- Output: frequency, recency, T, monetary_value, count: the rows `fitSummaries` takes.
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
),
summaries AS (
  SELECT
    customer_id,
    CAST(COUNT(*) - 1 AS DOUBLE) AS frequency,
    CAST(date_diff('day', MIN(day), MAX(day)) AS DOUBLE) / MAX(p.unit_days) AS recency,
    CAST(date_diff('day', MIN(day), MAX(p.as_of)) AS DOUBLE) / MAX(p.unit_days) AS T,
    COALESCE(SUM(CASE WHEN n > 1 THEN amount END) / NULLIF(COUNT(*) - 1, 0), 0) AS monetary_value
  FROM numbered CROSS JOIN params p
  GROUP BY customer_id
)
SELECT frequency, recency, T, monetary_value, CAST(COUNT(*) AS DOUBLE) AS "count"
FROM summaries
GROUP BY frequency, recency, T, monetary_value
ORDER BY frequency, recency, T, monetary_value
