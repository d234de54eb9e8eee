// Storefront: scores the visitor with crmscore on every change and personalises the page.
import init, { Scorer } from 'crmscore';
import { PRODUCTS, CATEGORIES, TOPICS } from './catalog.js';
import { STORE_CONFIG } from './store-config.js';
import { personalise } from './personalise.js';
import * as store from './visitor.js';

const $ = (id) => document.getElementById(id);
function build(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

await init();
const scorer = new Scorer(STORE_CONFIG);
let visitor = store.load();
let asOf = store.loadAsOf();

function productCard(p) {
  const buy = build('button', { className: 'buy', textContent: `Buy $${p.price.toFixed(2)}` });
  buy.dataset.product = p.id;
  const card = build('li', { className: `product ${p.category}` },
    build('span', { className: 'cover', textContent: CATEGORIES[p.category] }),
    build('strong', { textContent: p.title }),
    build('small', { textContent: TOPICS[p.topic] }),
    buy);
  card.dataset.product = p.id;
  return card;
}

function render() {
  $('asof').value = asOf;
  $('asof').min = visitor.orders.at(-1)?.at ?? '';
  const customer = store.toCustomer(visitor);
  let result;
  try {
    result = scorer.score(customer, { asOf });
    $('error').hidden = true;
  } catch (e) {
    $('error').hidden = false;
    $('error').textContent = `${e.name} ${e.code ?? ''} at ${e.path ?? '?'}: ${e.message}`;
    return;
  }
  const view = personalise(result, visitor);

  $('greeting').textContent = view.greeting;
  $('banner').dataset.kind = view.banner.kind;
  $('banner-title').textContent = view.banner.title;
  $('banner-text').textContent = view.banner.text;
  $('offer').hidden = !view.offer;
  $('offer').textContent = view.offer ?? '';
  $('recommended').replaceChildren(...view.recommended.map(productCard));

  $('stage').textContent = result.loyalty.stage;
  $('tier').textContent = view.tier ? `${view.tier} (${result.value.abc})` : '—';
  $('nba').textContent = result.nextBestAction
    ? `${result.nextBestAction.segment}: ${result.nextBestAction.goal} — ${actionText(result.nextBestAction.action)}`
    : '—';
  $('segments').replaceChildren(...result.segments.map((s) => {
    const li = build('li', { textContent: s.name ? `${s.name} (${s.id}) — goal: ${s.goal}` : s.id });
    li.dataset.id = s.id;
    return li;
  }));
  $('explain').replaceChildren(...explain(customer).map((x) => {
    const li = build('li', { className: x.matched ? 'matched' : '' },
      build('strong', { textContent: `${x.matched ? '✔' : '✘'} ${x.name ?? x.id}` }),
      build('code', { textContent: x.text ?? '' }),
      build('span', { textContent: !x.matched || x.exitReached == null ? '' : `success measure reached: ${x.exitReached ? 'yes' : 'no'}` }));
    li.dataset.id = x.id;
    return li;
  }));
  $('score-json').textContent = JSON.stringify(result, null, 2);
}

const actionText = (a) => (a == null ? '(no action set)' : typeof a === 'string' ? a : JSON.stringify(a));

function explain(customer) {
  if (typeof scorer.explain !== 'function') {
    return [{ id: 'unavailable', name: 'explain() is not in this build of crmscore', matched: false }];
  }
  return scorer.explain(customer, { asOf });
}

function setAsOf(iso) {
  const last = visitor.orders.at(-1)?.at;
  asOf = last && iso < last ? last : iso;
  store.saveAsOf(asOf);
  if (!visitor.orders.length) {
    visitor.firstSeen = asOf; // not a customer yet: the first visit is "now" on the page's clock
    store.save(visitor);
  }
  render();
}

document.addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (!button) return;
  if (button.dataset.product) {
    const p = PRODUCTS.find((x) => x.id === button.dataset.product);
    visitor.orders.push({ at: asOf, amount: p.price, category: p.category, channel: 'web', productId: p.id });
    store.save(visitor);
    render();
  } else if (button.dataset.days) {
    setAsOf(store.addDays(asOf, Number(button.dataset.days)));
  } else if (button.id === 'reset') {
    store.reset();
    visitor = store.load();
    asOf = store.loadAsOf();
    $('name').value = '';
    render();
  }
});
$('asof').addEventListener('change', (e) => e.target.value && setAsOf(e.target.value));
$('name').addEventListener('input', (e) => {
  visitor.name = e.target.value;
  store.save(visitor);
  render();
});

$('name').value = visitor.name;
$('catalog').replaceChildren(...PRODUCTS.map(productCard));
render();
performance.mark('personalised');
document.body.dataset.ready = 'true';
