// The part every runtime shares, in web-standard Request → Response.
//   GET any page: the customer named by header `x-customer-id` or cookie `crm_id` is loaded
//     from `store`, scored, and the page gets `x-crm-segment` (top segment id), `x-crm-abc`
//     and a hero banner for that segment. An unknown or missing customer gets the plain page.
//   POST /score: scores the customer JSON in the body and returns the result.
// Bad input is a 400 `{ error: { code, path, message } }`: the library's CrmScoreError code
// and path, or INVALID_JSON / TOO_LARGE (body over MAX_BODY). Scoring time: `server-timing`.
export const MAX_BODY = 64 * 1024;

export function createApp({ scorer, store, page, asOf, rewriteHero = replaceHero }) {
  const score = (customer, start = performance.now()) =>
    [scorer.score(customer, { asOf: asOf || undefined }), `score;dur=${(performance.now() - start).toFixed(3)}`];
  return async (request) => {
    try {
      if (new URL(request.url).pathname === '/score') {
        if (request.method !== 'POST') return fail(405, 'METHOD_NOT_ALLOWED', '', 'POST a customer');
        const [result, timing] = score(await readJson(request));
        return Response.json(result, { headers: { 'server-timing': timing } });
      }
      const headers = { 'content-type': 'text/html; charset=utf-8' };
      const id = customerId(request), customer = id && (await store.get(id));
      let scored; // a stored summary that fails validation is logged, and the page served plain
      try { scored = customer && score(customer); } catch (e) { console.warn(`customer ${id}: ${e.code} ${e.path}`); }
      if (!scored) return new Response(page, { headers });
      const [{ segments: [top], value, nextBestAction }, timing] = scored;
      Object.assign(headers, { 'x-crm-segment': top?.id ?? 'none', 'x-crm-abc': value.abc ?? 'none', 'server-timing': timing });
      return rewriteHero(new Response(page, { headers }), top && banner(top, nextBestAction));
    } catch (e) {
      if (e?.name === 'CrmScoreError' || e?.name === 'BadRequest') return fail(400, e.code, e.path, e.message);
      console.error(e); // a bug, or the store failing: never the visitor's input
      return fail(500, 'INTERNAL', '', 'internal error');
    }
  };
}

const fail = (status, code, path, message) => Response.json({ error: { code, path, message } }, { status });
const badRequest = (code, message) => Object.assign(new Error(message), { name: 'BadRequest', code, path: '' });
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const banner = (segment, next) =>
  `<h1>${escape(segment.name)}</h1>` + (typeof next?.action === 'string' ? `<p>${escape(next.action)}</p>` : '');

function customerId(request) {
  const cookie = /(?:^|;\s*)crm_id=([^;]{1,128})/.exec(request.headers.get('cookie') ?? '')?.[1];
  let id = request.headers.get('x-customer-id') ?? cookie ?? '';
  try { id = request.headers.has('x-customer-id') ? id : decodeURIComponent(id); } catch {}
  return id.length <= 128 ? id : '';
}

async function readJson(request) {
  const tooLarge = () => badRequest('TOO_LARGE', `the body is over ${MAX_BODY} bytes`);
  if (Number(request.headers.get('content-length')) > MAX_BODY) throw tooLarge();
  const reader = request.body?.getReader(), decoder = new TextDecoder();
  let text = '', size = 0;
  for (let part = await reader?.read(); part && !part.done; part = await reader.read()) {
    if ((size += part.value.byteLength) <= MAX_BODY) text += decoder.decode(part.value, { stream: true });
    else if (size > 16 * MAX_BODY) break; // read (and drop) up to 1 MB more, so the client reads the 400
  }
  if (size > MAX_BODY) throw tooLarge();
  try { return JSON.parse(text + decoder.decode()); } catch (e) { throw badRequest('INVALID_JSON', e.message); }
}

// Elsewhere than workerd (no HTMLRewriter): replace the inside of <section id="hero">.
export const replaceHero = async (response, html) => !html ? response : new Response((await response.text())
  .replace(/(<section id="hero"[^>]*>)[\s\S]*?(<\/section>)/, (_, open, close) => open + html + close), response);
