-- DuckDB: the CDNOW master file (header line, then runs of spaces between
-- customer id, date YYYYMMDD, number of CDs and dollar value) as the
-- transactions view summary.sql reads. '{file}' is replaced by the file's path.
CREATE OR REPLACE VIEW transactions AS
SELECT
  CAST(f[1] AS INTEGER) AS customer_id,
  CAST(strptime(f[2], '%Y%m%d') AS DATE) AS order_date,
  CAST(f[4] AS DOUBLE) AS amount
FROM (
  SELECT regexp_split_to_array(trim(line), '\s+') AS f
  FROM read_csv('{file}', columns = {'line': 'VARCHAR'}, header = true, delim = '\t', quote = '', auto_detect = false)
  WHERE trim(line) <> ''
)
