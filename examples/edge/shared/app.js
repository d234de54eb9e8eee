// The handler every runtime shares, web-standard Request → Response.
//   GET any page: the customer named by header `x-customer-id` or cookie `crm_id` is loaded from `store` and
//     scored; the page gets `x-crm-segment` (top segment id), `x-crm-abc` and a hero banner for the top segment.
//     Without a stored customer: the plain page. A stored customer that fails validation also gets the plain
//     page, with `x-crm-error: <code> <path>` and a log line: bad data must neither break the page nor go unseen.
//   POST /score: the score result of the customer JSON in the body.
// Bad input is a 400 `{ error: { code, path, message } }`: the CrmScoreError's code and path, or INVALID_JSON,
// or TOO_LARGE for a body over MAX_BODY bytes; it is never a 500.
export const MAX_BODY = 64 * 1024;

export function createApp({ scorer, store, page, asOf, rewriteHero = replaceHero }) {
  const html = (headers) => new Response(page, { headers: { 'content-type': 'text/html; charset=utf-8', ...headers } });
  return async (request) => {
    const api = new URL(request.url).pathname === '/score', id = customerId(request.headers);
    try {
      if (api && request.method !== 'POST') return fail(405, { code: 'METHOD_NOT_ALLOWED', message: 'use POST' });
      if (api) return Response.json(scorer.score(await readJson(request), { asOf }));
      const customer = id && (await store.get(id));
      if (!customer) return html();
      const { segments: [top], value, nextBestAction: next } = scorer.score(customer, { asOf });
      const response = html({ 'x-crm-segment': top?.id ?? 'none', 'x-crm-abc': value.abc ?? 'none' });
      return top ? rewriteHero(response, banner(top.name, next?.action)) : response;
    } catch (e) {
      if (api && e?.code) return fail(400, e); // a CrmScoreError, or from readJson
      if (e?.name !== 'CrmScoreError') throw e; // a bug, or the store failing: the runtime logs it, answers 500
      console.warn(`crmscore: stored customer ${JSON.stringify(id)} not scored: ${e.code} ${e.path}: ${e.message}`);
      return html({ 'x-crm-error': `${e.code} ${e.path}`.replace(/[^ -~]/g, '?').slice(0, 200) });
    }
  };
}

const fail = (status, { code, path = '', message }) => Response.json({ error: { code, path, message } }, { status });
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
// The segment's name, and the next best action when it is text (actions may be objects you render).
const banner = (name, act) => `<h1>${escape(name)}</h1>${typeof act === 'string' ? `<p>${escape(act)}</p>` : ''}`;

// The header wins over the cookie, whose value is URL-decoded; an id over 128 characters is nobody.
function customerId(headers) {
  const id = headers.get('x-customer-id') ?? /(?:^|;\s*)crm_id=([^;]*)/.exec(headers.get('cookie'))?.[1] ?? '';
  try { return id.length > 128 ? '' : headers.has('x-customer-id') ? id : decodeURIComponent(id); } catch { return ''; }
}

// Keeps at most MAX_BODY bytes. Past that it reads on (and drops) up to 1 MB, so that the client reads the 400.
async function readJson(request) {
  let text = '';
  for await (const part of request.body?.pipeThrough(new TextDecoderStream()) ?? []) {
    if ((text += part).length > 16 * MAX_BODY) break;
  }
  if (new Blob([text]).size > MAX_BODY) throw Object.assign(new Error(`over ${MAX_BODY} bytes`), { code: 'TOO_LARGE' });
  try { return JSON.parse(text); } catch (e) { throw Object.assign(e, { code: 'INVALID_JSON' }); }
}

// Where there is no HTMLRewriter (all but workerd): replace the inside of <section id="hero">.
export const replaceHero = async (response, html) => new Response((await response.text())
  .replace(/(<section id="hero"[^>]*>)[\s\S]*?(<\/section>)/, (_, open, close) => open + html + close), response);
