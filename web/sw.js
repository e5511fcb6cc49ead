// Moka's service worker: caches the app shell (index.html and the
// fingerprinted assets the build lists below) so the app opens offline and
// loads instantly. It never stores API responses, avatars or anything else
// private: requests outside the shell go to the network untouched. On sign-out
// the page posts {type: 'sign-out'} and every cache but the shell is deleted.
const VERSION = '/*VERSION*/';
const SHELL = /*SHELL*/[];
const CACHE = `moka-shell-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'sign-out') {
    event.waitUntil(caches.keys().then((keys) =>
      Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))));
  }
});

const SERVER = /^\/(api|oauth|auth|avatars|headers|health|nodeinfo|\.well-known)(\/|$)/;

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin || SERVER.test(url.pathname)) return;
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(caches.match(req).then((hit) => hit || fetch(req)));
  } else if (req.mode === 'navigate') {
    // The network first (a new deploy shows at once), the cached shell offline.
    event.respondWith(fetch(req).catch(() => caches.match('/')));
  }
});
