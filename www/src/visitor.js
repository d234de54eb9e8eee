// The visitor's history and the page's clock, kept in this browser's localStorage only.
const KEY = 'crmscore-demo:visitor';
const CLOCK = 'crmscore-demo:asOf';
const DAY = 86_400_000;

export const today = () => new Date().toISOString().slice(0, 10);
export const addDays = (iso, days) => new Date(Date.parse(iso) + days * DAY).toISOString().slice(0, 10);

export function loadAsOf() {
  return localStorage.getItem(CLOCK) ?? today();
}

export function saveAsOf(iso) {
  localStorage.setItem(CLOCK, iso);
}

export function load() {
  const saved = localStorage.getItem(KEY);
  if (saved) return JSON.parse(saved);
  const fresh = { id: 'visitor', name: '', firstSeen: loadAsOf(), orders: [] };
  save(fresh);
  return fresh;
}

export function save(visitor) {
  localStorage.setItem(KEY, JSON.stringify(visitor));
}

export function reset() {
  localStorage.removeItem(KEY);
  localStorage.removeItem(CLOCK);
}

/** The visitor as a crmscore `Customer` (the product id is the page's own, not the library's). */
export function toCustomer(visitor) {
  return {
    id: visitor.id,
    firstSeen: visitor.firstSeen,
    orders: visitor.orders.map(({ at, amount, category, channel }) => ({ at, amount, category, channel })),
  };
}
