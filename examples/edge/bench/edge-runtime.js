// The Vercel middleware in edge-runtime with the bench-only routes (vercel/edge-runtime.js plus the routes).
import middleware from '../vercel/middleware.js';
import { isBench, benchRoute } from './route.js';

addEventListener('fetch', (event) => event.respondWith(isBench(event.request) ? benchRoute(event.request) : middleware(event.request)));
