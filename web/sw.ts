/**
 * The web verifier's service worker: after the first visit every file of the page is in a cache
 * named after the build, so the verifier opens and works with no network at all (a border desk
 * with none, a phone in flight mode). A new build has a new name: the new worker fills its cache
 * while the old one keeps serving, then removes the old cache.
 *
 * Files used only by some visits (the QR decoder's WebAssembly, ~0.9 MB, fetched on the first scan;
 * pdf.js, ~1.7 MB, fetched on the first PDF opened) are not fetched on install: they go into the cache when first fetched, and a new build carries
 * them over from the old cache, since their names hold a hash of their bytes (same name, same
 * file). So a verifier that scanned once scans offline, also after an update.
 *
 * Only the page's own files are served from the cache. Everything else (a trust list loaded from a
 * URL) goes to the network untouched.
 */
// Typed by hand: the "webworker" lib clashes with the DOM lib the rest of web/ is checked with.
interface SwExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface SwFetchEvent extends SwExtendableEvent {
  readonly request: Request;
  respondWith(r: Promise<Response>): void;
}
interface SwScope {
  readonly registration: { readonly scope: string };
  skipWaiting(): Promise<void>;
  readonly clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', f: (e: SwExtendableEvent) => void): void;
  addEventListener(type: 'fetch', f: (e: SwFetchEvent) => void): void;
}
const sw = self as unknown as SwScope;
/**
 * Set by scripts/web-build.mjs: a hash of every file; the files cached on install, and those cached
 * on first use (names relative to the scope).
 */
declare const __WEB_VERSION__: string;
declare const __WEB_FILES__: string[];
declare const __WEB_LAZY__: string[];

const CACHE = `ithc-verifier-${__WEB_VERSION__}`;
const FILES = __WEB_FILES__;
const LAZY = __WEB_LAZY__;

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // `cache: 'reload'` skips the HTTP cache, so the files stored are the ones this build named.
      await cache.addAll(FILES.map((f) => new Request(new URL(f, sw.registration.scope).href, { cache: 'reload' })));
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      for (const name of await caches.keys()) {
        if (!name.startsWith('ithc-verifier-') || name === CACHE) continue;
        const old = await caches.open(name);
        for (const f of LAZY) {
          const url = new URL(f, sw.registration.scope).href;
          const kept = await old.match(url);
          if (kept && !(await cache.match(url))) await cache.put(url, kept);
        }
        await caches.delete(name);
      }
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  const scope = new URL(sw.registration.scope);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  const rel = url.pathname.slice(scope.pathname.length);
  const name = rel === '' ? 'index.html' : rel;
  if (!FILES.includes(name) && !LAZY.includes(name)) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const hit = await cache.match(new URL(name, scope).href);
      if (hit) return hit;
      const res = await fetch(req);
      if (res.ok) await cache.put(new URL(name, scope).href, res.clone());
      return res;
    })(),
  );
});
