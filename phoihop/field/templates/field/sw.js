/* PhốiHợp offline reporting: the service worker.
   Scope: {{ scope }} and nothing else. It keeps the app shell and its static files so the
   app opens with no signal; reports and reference data live in IndexedDB (per person),
   never in this cache, so one person's data is never served to another. */
const CACHE = "phoihop-field-v{{ version }}";
const SHELL = "{{ scope }}";
const PRECACHE = {{ precache|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith("phoihop-field-") && k !== CACHE).map((k) => caches.delete(k))
      ))
      .then(() => self.clients.claim())
  );
});

function isShell(url) {
  return url.origin === self.location.origin && url.pathname === SHELL;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isShell(url)) {
    // Network first: online the shell is always fresh; offline the last good copy.
    event.respondWith(
      fetch(request).then((response) => {
        // A redirect (to the sign-in page) or an error is never kept as the shell.
        if (response.ok && !response.redirected && new URL(response.url).pathname === SHELL) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(SHELL, copy));
        }
        return response;
      }).catch(() => caches.match(SHELL))
    );
    return;
  }
  if (PRECACHE.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
  }
  // Everything else (JSON, other pages) goes to the network untouched and is never cached.
});

self.addEventListener("message", (event) => {
  if (event.data === "forget") {
    event.waitUntil(caches.keys().then((keys) => Promise.all(
      keys.filter((k) => k.startsWith("phoihop-field-")).map((k) => caches.delete(k))
    )));
  }
});
