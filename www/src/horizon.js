// What the analyst view's predicted lifetime value means: the worker passes these to crmscore and the page
// writes them into the labels, so that label and computation cannot disagree.
export const HORIZON_YEARS = 5;
export const HORIZON_DAYS = HORIZON_YEARS * 365; // `horizonDays` of scoreMany (the library's default is 365)
export const DISCOUNT_RATE = 0.1; // a year, `lifetime.discountRate` of the scorer config
export const lifetimeLabel = `next ${HORIZON_YEARS} years (${HORIZON_DAYS.toLocaleString('en')} days), discounted ${DISCOUNT_RATE * 100}% a year`;
