/* Signing out on a shared phone leaves nothing of the person behind: before the sign-out
   form is sent, every database and cache this site keeps in the browser (names starting
   "phoihop-", e.g. the offline reporting app's) is deleted. */
(function () {
  "use strict";
  function clearDevice() {
    var jobs = [];
    if (window.indexedDB && indexedDB.databases) {
      jobs.push(indexedDB.databases().then(function (dbs) {
        return Promise.all(dbs.filter(function (db) {
          return db.name && db.name.indexOf("phoihop-") === 0;
        }).map(function (db) {
          return new Promise(function (resolve) {
            var req = indexedDB.deleteDatabase(db.name);
            req.onsuccess = req.onerror = req.onblocked = function () { resolve(); };
          });
        }));
      }));
    }
    if (window.caches) {
      jobs.push(caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf("phoihop-") === 0; })
          .map(function (k) { return caches.delete(k); }));
      }));
    }
    return Promise.all(jobs).catch(function () { return null; });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-signout") || form.dataset.cleared) return;
    event.preventDefault();
    clearDevice().then(function () {
      form.dataset.cleared = "1";
      form.submit();
    });
  });
})();
