// Storefront: scores the visitor with crmscore on every change and personalises the page.
// The catalogue is drawn first, from plain JavaScript, while the wasm module downloads; when it
// cannot be loaded (blocked, offline, an old browser) the shop still works, unpersonalised, and says so.
import init, { Scorer } from 'crmscore';
import { PRODUCTS, CATEGORIES, TOPICS, productById } from './catalog.js';
import { STORE_CONFIG, CADENCE_CONFIG, QUIET_DAYS, LAPSE_DAYS } from './store-config.js';
import { personalise, JOURNEY } from './personalise.js';
import * as store from './visitor.js';

const $ = (id) => document.getElementById(id);
function build(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}
const money = (x) => `$${x.toFixed(2)}`;
/** Longest look-ahead of "Skip to the next change", in days: past the last RFM recency edge (365). */
const LOOK_AHEAD_DAYS = 400;

const loading = init(); // start the wasm download before drawing anything
loading.catch(() => {}); // handled below, once the catalogue is up
let visitor = store.load();
let asOf = store.loadAsOf();
let scorer = null; // set once the wasm module has loaded
let cadence = null; // the follow-up cadence's scorer (store-config.js)
let shown = null; // the personalised view on screen, to tell what a change changed

function productCard(p) {
  const buy = build('button', { type: 'button', className: 'buy' },
    `Buy ${money(p.price)}`, build('span', { className: 'sr-only', textContent: `: ${p.title}` }));
  buy.dataset.product = p.id;
  const card = build('li', { className: `product ${p.category}` },
    build('span', { className: 'cover', textContent: CATEGORIES[p.category] }),
    build('h3', { textContent: p.title }),
    build('small', { textContent: TOPICS[p.topic] }),
    build('span', { className: 'owned', hidden: true }),
    buy);
  card.dataset.product = p.id;
  return card;
}

/** Marks the products the visitor has bought, in place (re-creating the cards would lose the focus). */
function markOwned() {
  const counts = {};
  visitor.orders.forEach((o) => (counts[o.productId] = (counts[o.productId] ?? 0) + 1));
  for (const card of document.querySelectorAll('.product')) {
    const n = counts[card.dataset.product] ?? 0;
    card.classList.toggle('is-owned', n > 0);
    const badge = card.querySelector('.owned');
    badge.hidden = n === 0;
    badge.textContent = n === 0 ? '' : `✓ In your orders${n > 1 ? ` (${n})` : ''}`;
  }
}

function renderJourney(step) {
  $('journey').replaceChildren(...JOURNEY.map((s) => {
    const li = build('li', { textContent: s.label });
    li.dataset.step = s.id;
    if (s.id === step) li.setAttribute('aria-current', 'step');
    return li;
  }));
}

function renderClock() {
  $('asof').value = asOf;
  $('asof').min = visitor.orders.at(-1)?.at ?? '';
  const last = visitor.orders.at(-1)?.at;
  const days = last ? Math.round((Date.parse(asOf) - Date.parse(last)) / 86_400_000) : null;
  $('since').textContent = last ? `Last order ${last}: ${days} day${days === 1 ? '' : 's'} ago.` : 'No order yet.';
  $('since').dataset.days = days ?? '';
}

/** Re-draws the page; returns the personalised view (null without the wasm module). */
function render() {
  renderClock();
  markOwned();
  if (!scorer) return null;
  const customer = store.toCustomer(visitor);
  let result;
  try {
    result = scorer.score(customer, { asOf });
    $('error').hidden = true;
  } catch (e) {
    $('error').hidden = false;
    $('error').textContent = `${e.name} ${e.code ?? ''} at ${e.path ?? '?'}: ${e.message}`;
    return null;
  }
  const view = personalise(result, visitor);

  $('greeting').textContent = view.greeting;
  $('banner').dataset.kind = view.banner.kind;
  $('banner-title').textContent = view.banner.title;
  $('banner-text').textContent = view.banner.text;
  $('offer').hidden = !view.offer;
  $('offer').textContent = view.offer ?? '';
  $('recommended').replaceChildren(...view.recommended.map(productCard));
  markOwned();
  renderJourney(view.journey);

  $('stage').textContent = result.loyalty.stage;
  $('tier').textContent = view.tier ? `${view.tier} (${result.value.abc})` : '—';
  $('nba').textContent = result.nextBestAction
    ? `${result.nextBestAction.segment}: ${result.nextBestAction.goal} — ${actionText(result.nextBestAction.action)}`
    : '—';
  renderContacts(customer);
  $('segments').replaceChildren(...result.segments.map((s) => {
    const li = build('li', { textContent: s.name ? `${s.name} (${s.id}) — goal: ${s.goal}` : s.id });
    li.dataset.id = s.id;
    return li;
  }));
  $('no-segments').hidden = result.segments.length > 0;
  const explained = explain(customer).map((x) => {
    const li = build('li', { className: x.matched ? 'matched' : '' },
      build('strong', { textContent: `${x.matched ? '✔ matched:' : '✘ not matched:'} ${x.name ?? x.id}` }),
      build('code', { textContent: roundFloats(x.text ?? '') }),
      build('span', { textContent: !x.matched || x.exitReached == null ? '' : `success measure reached: ${x.exitReached ? 'yes' : 'no'}` }));
    li.dataset.id = x.id;
    return li;
  });
  // The matched segments are what explains the page; the others are one click away.
  $('explain').replaceChildren(...explained.filter((li) => li.className === 'matched'));
  const unmatched = explained.filter((li) => li.className !== 'matched');
  $('explain-unmatched').replaceChildren(...unmatched);
  $('unmatched-count').textContent = unmatched.length;
  $('score-json').textContent = JSON.stringify(result, null, 2);
  return view;
}

/** The follow-up cadence's next contact and the ones already due (for the marketer). */
function renderContacts(customer) {
  const { nextContact: next, pastContacts: past } = cadence.score(customer, { asOf });
  $('next-contact').textContent = next ? `${next.action.contact} — due ${next.due.slice(0, 10)}` : '—';
  $('past-contacts').textContent = past.length
    ? `Already due: ${past.map((c) => `${c.action.contact} (${c.due.slice(0, 10)})`).join('; ')}`
    : '';
}

const actionText = (a) => (a == null ? '(no action set)' : typeof a === 'string' ? a : JSON.stringify(a));
/** `28.38888888888889` → `28.39`: the explanation's figures as a person reads them. */
const roundFloats = (text) => text.replace(/-?\d+\.\d{3,}/g, (x) => String(Number(Number(x).toFixed(2))));

function explain(customer) {
  if (typeof scorer.explain !== 'function') {
    return [{ id: 'unavailable', name: 'explain() is not in this build of crmscore', matched: false }];
  }
  return scorer.explain(customer, { asOf });
}

/**
 * "Skip to the next change": the first later day on which another segment would drive the page, found
 * by scoring the visitor day by day, so the button shows the rules at work. The answer holds until that
 * day as long as the orders do not change, so moving the clock towards it reuses it.
 */
let nextChange = null; // { orders, from, date, text, journey } of the last search
function renderNextChange() {
  const button = $('next-change');
  const orders = JSON.stringify(visitor.orders);
  const reusable = nextChange && nextChange.orders === orders && asOf >= nextChange.from &&
    (nextChange.date ? asOf < nextChange.date : asOf === nextChange.from);
  if (!reusable) nextChange = { orders, from: asOf, ...findNextChange() };
  button.hidden = !nextChange.date;
  if (!nextChange.date) return;
  const d = Math.round((Date.parse(nextChange.date) - Date.parse(asOf)) / 86_400_000);
  button.textContent = `Skip ${d} day${d === 1 ? '' : 's'} to the next change — ${nextChange.text}`;
  button.dataset.date = nextChange.date;
  button.dataset.journey = nextChange.journey;
}

function findNextChange() {
  if (!scorer || !visitor.orders.length) return { date: null };
  const customer = store.toCustomer(visitor);
  const now = scorer.score(customer, { asOf }).nextBestAction?.segment;
  for (let d = 1; d <= LOOK_AHEAD_DAYS; d++) {
    const day = store.addDays(asOf, d);
    const result = scorer.score(customer, { asOf: day });
    if (result.nextBestAction?.segment === now) continue;
    const next = personalise(result, visitor);
    const step = JOURNEY.find((s) => s.id === next.journey).label;
    return { date: day, journey: next.journey, text: `${step}: ${result.segments[0]?.name ?? 'no segment'}` };
  }
  return { date: null };
}

function setAsOf(iso) {
  const last = visitor.orders.at(-1)?.at;
  asOf = last && iso < last ? last : iso;
  store.saveAsOf(asOf);
  if (!visitor.orders.length) {
    visitor.firstSeen = asOf; // not a customer yet: the first visit is "now" on the page's clock
    store.save(visitor);
  }
}

/** Re-draws and says what changed in the live region (read out by screen readers, shown to everyone). */
function update(what) {
  const before = shown;
  shown = render();
  if (shown) renderNextChange();
  let message = what;
  if (shown) {
    const changed = !before || before.banner.title !== shown.banner.title || before.offer !== shown.offer;
    const step = JOURNEY.find((s) => s.id === shown.journey).label;
    message += changed
      ? ` The page now shows: ${shown.banner.title}.${shown.offer ? ` ${shown.offer}` : ''} Journey: ${step}.`
      : ' The page is unchanged.';
  }
  $('live').textContent = message;
}

function buy(button) {
  const p = productById(button.dataset.product);
  const list = button.closest('ul');
  const index = [...list.querySelectorAll('button.buy')].indexOf(button);
  visitor.orders.push({ at: asOf, amount: p.price, category: p.category, channel: 'web', productId: p.id });
  store.save(visitor);
  update(`Bought “${p.title}” for ${money(p.price)} on ${asOf}.`);
  if (list.id === 'recommended') {
    // The list was drawn anew: keep the keyboard where it was, on the same product or its neighbour.
    const buttons = [...$('recommended').querySelectorAll('button.buy')];
    const target = buttons.find((b) => b.dataset.product === p.id) ?? buttons[Math.min(index, buttons.length - 1)];
    (target ?? $('recommended-title')).focus();
  }
}

document.addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (!button) return;
  if (button.dataset.product) {
    buy(button);
  } else if (button.dataset.days) {
    setAsOf(store.addDays(asOf, Number(button.dataset.days)));
    update(`Today is now ${asOf}.`);
  } else if (button.id === 'next-change') {
    setAsOf(button.dataset.date);
    update(`Today is now ${asOf}.`);
    // Keep the keyboard on the button; when there is no further change it hides, and the date field takes over.
    (!$('next-change').hidden ? $('next-change') : $('asof')).focus();
  } else if (button.id === 'reset') {
    store.reset();
    visitor = store.load();
    asOf = store.loadAsOf();
    $('name').value = '';
    update('Your history is forgotten: you are a first-time visitor again.');
  }
});
$('asof').addEventListener('change', (e) => {
  if (!e.target.value) return;
  setAsOf(e.target.value);
  update(`Today is now ${asOf}.`);
});
$('name').addEventListener('input', (e) => {
  visitor.name = e.target.value;
  store.save(visitor);
  shown = render();
});

$('thresholds').textContent = `Offers last ${QUIET_DAYS} days after an order; from day ${QUIET_DAYS + 1} without an order ` +
  `the customer is lapsing, from day ${LAPSE_DAYS + 1} (more than ${LAPSE_DAYS} days) the page tries to win them back.`;
$('name').value = visitor.name;
$('catalog').replaceChildren(...PRODUCTS.map(productCard));
renderClock();
markOwned();
renderJourney(null);
document.body.dataset.catalog = 'ready';
performance.mark('catalogue');

let loaded = true;
try {
  await loading;
} catch (e) {
  loaded = false;
  console.warn('crmscore could not be loaded; the storefront is not personalised', e);
  document.body.dataset.personalisation = 'unavailable';
  $('banner').dataset.kind = 'unavailable';
  $('banner-text').textContent = 'Browse and buy as usual.';
  $('recommended').replaceChildren(...PRODUCTS.filter((p) => p.category === 'books').map(productCard));
  $('recommended-title').textContent = 'Our books';
  $('notice').hidden = false;
  $('notice').textContent = 'Personalisation is unavailable: the scoring module (WebAssembly) could not be loaded. ' +
    'You can still browse and buy; your orders are kept in this browser and the page will be personalised on your next visit.';
}
if (loaded) {
  scorer = new Scorer(STORE_CONFIG);
  cadence = new Scorer(CADENCE_CONFIG);
  shown = render();
  performance.mark('personalised');
  renderNextChange();
  document.body.dataset.personalisation = 'on';
}
document.body.dataset.ready = 'true';
