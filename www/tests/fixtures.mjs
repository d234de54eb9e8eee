// Transactions files the analyst view's tests drop onto the page.

// A small transactions file dropped onto the page: 20 customers, 43 rows, one year. The customers' totals,
// highest first: c01 700, c02 300, c03 240, c04 200, then 160, 150, 140, 120, 100, 90, 80, 70, 60, 50, 45, 40, 35,
// 30, 25, 20; all 2,655. By the default rule, A's threshold is the value of customer ⌈5% · 20⌉ = 1 (700), B's that
// of customer ⌈20% · 20⌉ = 4 (200): A = c01, B = c02–c04 (740), C = the other 16 (1,215). Shares of customers
// 5.0%, 15.0%, 80.0%; of value 700 / 2655 = 26.4%, 740 / 2655 = 27.9%, 1215 / 2655 = 45.8%.
export const SMALL = `customer,date,amount
c01,2026-01-05,120
c01,2026-02-09,80
c01,2026-03-14,150
c01,2026-05-02,100
c01,2026-06-20,130
c01,2026-08-11,120
c02,2026-01-12,60
c02,2026-03-03,90
c02,2026-06-01,50
c02,2026-11-09,100
c03,2026-01-02,70
c03,2026-01-18,80
c03,2026-02-07,90
c04,2026-01-25,100
c04,2026-10-10,100
c05,2026-01-30,40
c05,2026-02-05,40
c05,2026-02-18,40
c05,2026-03-11,40
c06,2026-02-14,50
c06,2026-02-26,50
c06,2026-03-30,50
c07,2026-01-03,70
c07,2026-02-01,70
c08,2026-05-15,60
c08,2026-11-20,60
c09,2026-04-04,100
c10,2026-06-09,30
c10,2026-08-19,30
c10,2026-12-01,30
c11,2026-01-18,80
c12,2026-09-02,35
c12,2026-11-25,35
c13,2026-03-08,60
c14,2026-02-27,25
c14,2026-03-09,25
c15,2026-10-04,45
c16,2026-07-14,20
c16,2026-10-21,20
c17,2026-12-05,35
c18,2026-05-28,30
c19,2026-11-02,25
c20,2026-08-30,20
`;

// The small file in a European spreadsheet's export: semicolons, and 25 extra rows whose amounts have a decimal
// comma ("12,50"), on lines 2–26 (line 1 is the header). The reader skips those 25; the 43 others are the file above.
export const DECIMAL_COMMAS = ['customer;date;amount',
  ...Array.from({ length: 25 }, (_, i) => `x${String(i + 1).padStart(2, '0')};2026-03-01;12,50`),
  ...SMALL.trim().split('\n').slice(1).map((l) => l.replaceAll(',', ';'))].join('\n');

// The same rows comma-separated, the decimal comma unquoted (12,50 reads as one field too many).
export const UNQUOTED_DECIMAL_COMMAS = ['customer,date,amount',
  ...Array.from({ length: 25 }, (_, i) => `x${String(i + 1).padStart(2, '0')},2026-03-01,12,50`),
  ...SMALL.trim().split('\n').slice(1)].join('\n');
