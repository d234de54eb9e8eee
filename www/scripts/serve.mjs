// `npm run serve`: serves www/dist on 127.0.0.1 (PORT, default 5180) and prints the URL.
import { serve } from './static-server.mjs';

const { url } = await serve(new URL('../dist', import.meta.url).pathname, Number(process.env.PORT ?? 5180));
console.log(`crmscore demo: ${url} (storefront), ${url}analyst.html (analyst view); Ctrl-C to stop`);
