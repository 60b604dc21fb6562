// Service worker generated at build time from public/sw-template.js (do not edit dist/sw.js).
const VERSION = __VERSION__;
const ASSETS = __ASSETS__;
const CACHE = 'dvk-' + VERSION;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(ASSETS)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('dvk-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  const url = new URL(req.url);
  // Pages (any sub-path, any fragment) get the cached index.html: the app routes in the fragment.
  const isPage = req.mode === 'navigate';
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const hit = isPage ? await cache.match('./') : await cache.match(req, { ignoreSearch: true });
      if (hit) return hit;
      try {
        return await fetch(req);
      } catch (e) {
        if (isPage) { const idx = await cache.match('./'); if (idx) return idx; }
        throw e;
      }
    })
  );
});
