/* PhốiHợp offline reporting: what the phone keeps, in IndexedDB, one database per person.
   Stores: reports (by the phone-made uuid), photos (by their own id, indexed by report),
   meta (the reference data). Signing out deletes the person's database. */
(function (global) {
  "use strict";
  var VERSION = 1;

  function name(user) {
    return "phoihop-field-" + user;
  }

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function openDb(user) {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(name(user), VERSION);
      req.onupgradeneeded = function () {
        var db = req.result;
        if (!db.objectStoreNames.contains("reports")) {
          db.createObjectStore("reports", { keyPath: "uuid" });
        }
        if (!db.objectStoreNames.contains("photos")) {
          db.createObjectStore("photos", { keyPath: "id" }).createIndex("report", "report");
        }
        if (!db.objectStoreNames.contains("meta")) {
          db.createObjectStore("meta");
        }
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function Store(db, user) {
    this.db = db;
    this.user = user;
  }

  Store.prototype.run = function (storeName, mode, action) {
    var db = this.db;
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(storeName, mode);
      var result;
      request(action(tx.objectStore(storeName))).then(function (value) { result = value; });
      tx.oncomplete = function () { resolve(result); };
      tx.onerror = function () { reject(tx.error); };
      tx.onabort = function () { reject(tx.error); };
    });
  };

  Store.prototype.all = function (storeName) {
    return this.run(storeName, "readonly", function (s) { return s.getAll(); });
  };
  Store.prototype.get = function (storeName, key) {
    return this.run(storeName, "readonly", function (s) { return s.get(key); });
  };
  Store.prototype.put = function (storeName, value, key) {
    return this.run(storeName, "readwrite", function (s) {
      return key === undefined ? s.put(value) : s.put(value, key);
    });
  };
  Store.prototype.remove = function (storeName, key) {
    return this.run(storeName, "readwrite", function (s) { return s.delete(key); });
  };
  Store.prototype.photosOf = function (report) {
    return this.run("photos", "readonly", function (s) { return s.index("report").getAll(report); });
  };

  function forget(user, store) {
    if (store) store.db.close();
    return request(indexedDB.deleteDatabase(name(user))).catch(function () { return null; });
  }

  global.PhoiHopStore = {
    open: function (user) {
      return openDb(user).then(function (db) { return new Store(db, user); });
    },
    forget: forget,
  };
})(window);
