// Which columns of a transactions file to read with crmscore's `readTransactionsCsv`: the CDNOW
// files (whitespace-separated, with or without a header: id, [sample id,] YYYYMMDD, CDs, dollars)
// or CSV whose header names a customer id, a date, an amount and optionally a cost column.
const find = (names, pattern) => names.find((n) => pattern.test(n));

export function csvOptions(text) {
  const first = text.split(/\r?\n/, 20).find((l) => l.trim());
  if (!first) throw new Error('the file is empty');
  const delimiter = first.includes(',') ? ',' : first.includes(';') ? ';' : 'whitespace';
  const fields = delimiter === 'whitespace' ? first.trim().split(/\s+/) : first.split(delimiter).map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
  const header = fields.some((f) => /[a-z]/i.test(f) && !/^\d{4}-\d\d-\d\d/.test(f));
  if (header) {
    const options = {
      delimiter, header,
      customerCol: find(fields, /^(customer|cust|client|user|master|id)/i),
      dateCol: find(fields, /date|time|day|^at$/i),
      amountCol: find(fields, /amount|dollar|value|revenue|spend|sales|total|price/i),
    };
    const costCol = find(fields, /^cost/i);
    if (costCol) options.costCol = costCol;
    if (!options.customerCol || !options.dateCol || !options.amountCol) {
      throw new Error(`the header needs a customer id, a date and an amount column, got: ${fields.join(', ')}`);
    }
    return options;
  }
  const layouts = { 5: [1, 3, 5], 4: [1, 2, 4], 3: [1, 2, 3] };
  const layout = layouts[fields.length];
  if (!layout) throw new Error(`cannot tell the columns of a line with ${fields.length} fields and no header`);
  const [customerCol, dateCol, amountCol] = layout;
  return { delimiter, header, customerCol, dateCol, amountCol };
}

/** Columnar transactions back into the `Customer` objects a `Scorer` takes. */
export function toCustomers({ transactions: { customer, at, amount, cost }, customerIds }) {
  const customers = customerIds.map((id) => ({ id, orders: [] }));
  for (let i = 0; i < customer.length; i++) {
    const order = { at: at[i], amount: amount[i] };
    if (cost) order.cost = cost[i];
    customers[customer[i]].orders.push(order);
  }
  return customers;
}

const DAY = 86_400_000;
const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);

/** The UTC date (YYYY-MM-DD) of the last transaction. */
export const lastDate = ({ transactions: { at } }) => isoDate(at.reduce((m, x) => Math.max(m, x), -Infinity));

/** The UTC dates (YYYY-MM-DD) of the first and the last transaction. */
export function dateRange({ transactions: { at } }) {
  let first = Infinity, last = -Infinity;
  for (const x of at) {
    if (x < first) first = x;
    if (x > last) last = x;
  }
  return { first: isoDate(first), last: isoDate(last) };
}

/** Distinct UTC purchase days per customer (BG/NBD counts purchase occasions as days). */
export function purchaseDays({ transactions: { customer, at }, customerIds }) {
  const seen = customerIds.map(() => new Set());
  for (let i = 0; i < customer.length; i++) seen[customer[i]].add(Math.floor(at[i] / DAY));
  return seen.map((s) => s.size);
}
