/* PhốiHợp offline reporting: the app.
   Reports are written on the phone first (IndexedDB, store.js) and sent when there is a
   signal: automatically when the network returns, and by the "Send now" button. Each
   report carries an id made here, so a retry after a dropped connection never makes a
   second report; photos go after their report, one by one, each under its own id, so an
   interrupted upload resumes with the photos not yet sent. A report the server changed
   meanwhile is shown beside the phone's version for the person to choose. */
(function () {
  "use strict";
  var root = document.getElementById("field-app");
  if (!root) return;
  var S = JSON.parse(document.getElementById("field-strings").textContent);
  var user = root.dataset.user;
  var urls = root.dataset;
  var store = null;
  var ref = { organizations: [], programs: [], contents: [], communes: [] };
  var editing = null;
  var choosing = null;
  var syncing = false;
  var syncAgain = false;
  var FUNDS = ["state", "own", "mobilized"];

  function $(id) { return document.getElementById(id); }

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function say(text, kind) {
    var el = $("field-message");
    el.textContent = text || "";
    el.hidden = !text;
    el.className = "field-message" + (kind ? " " + kind : "");
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showDate(iso) {
    if (!iso) return "";
    var p = iso.split("-");
    return p[2] + "/" + p[1] + "/" + p[0];
  }

  function communeName(id) {
    var c = ref.communes.find(function (x) { return String(x.id) === String(id); });
    return c ? c.name : "";
  }

  function contentOf(id) {
    return ref.contents.find(function (c) { return String(c.id) === String(id); });
  }

  /* ---- the network indicator and the count of reports waiting ---- */

  function showNetwork() {
    var online = navigator.onLine;
    $("field-network").textContent = online ? S.online : S.offline;
    $("field-network").className = "field-network " + (online ? "is-online" : "is-offline");
  }

  function render() {
    return Promise.all([store.all("reports"), store.all("photos")]).then(function (all) {
      var reports = all[0];
      var photos = all[1];
      var waitingPhotos = {};
      photos.forEach(function (p) { waitingPhotos[p.report] = (waitingPhotos[p.report] || 0) + 1; });
      var pending = reports.filter(function (r) {
        return r.state !== "sent" || waitingPhotos[r.uuid];
      }).length;
      $("field-pending-count").textContent = String(pending);
      root.dataset.pending = String(pending);
      var list = $("field-list");
      list.textContent = "";
      $("field-empty").hidden = reports.length > 0;
      reports.sort(function (a, b) { return (b.updated || 0) - (a.updated || 0); });
      reports.forEach(function (r) {
        var li = el("li", { "class": "field-item state-" + r.state, "data-uuid": r.uuid });
        li.appendChild(el("strong", {}, r.data.title));
        var line = showDate(r.data.start_date) + " · " + communeName(r.data.locality);
        li.appendChild(el("span", { "class": "field-meta" }, line));
        var state = el("span", { "class": "field-state" }, S[r.state] || r.state);
        li.appendChild(state);
        if (r.server && r.server.status === "returned" && r.state === "sent") {
          li.appendChild(el("span", { "class": "field-returned" },
            S.returned + ": " + (r.server.return_reason || "")));
        } else if (r.server && r.state === "sent") {
          li.appendChild(el("span", { "class": "field-meta" }, S.status + ": " + r.server.status_label));
        }
        if (waitingPhotos[r.uuid]) {
          li.appendChild(el("span", { "class": "field-meta" }, waitingPhotos[r.uuid] + " " + S.photos_waiting));
        }
        if (r.state === "error" && r.errors) {
          li.appendChild(el("span", { "class": "field-errors" }, errorText(r.errors)));
        }
        var actions = el("div", { "class": "field-actions" });
        if (r.state === "conflict") {
          var choose = el("button", { type: "button", "class": "primary", "data-choose": r.uuid }, S.conflict);
          actions.appendChild(choose);
        } else if (r.state !== "sent" || !r.server || r.server.editable) {
          actions.appendChild(el("button", { type: "button", "data-edit": r.uuid }, S.edit));
        }
        if (r.base_version === null && r.state !== "sent") {
          actions.appendChild(el("button", { type: "button", "data-delete": r.uuid }, S["delete"]));
        }
        li.appendChild(actions);
        list.appendChild(li);
      });
    });
  }

  function errorText(errors) {
    var parts = [errors.message || ""];
    Object.keys(errors.extra || {}).forEach(function (k) {
      parts.push((errors.extra[k] || []).join(" "));
    });
    return parts.filter(Boolean).join(" ");
  }

  /* ---- reference data and the server's copies ---- */

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (resp) {
        if (resp.status === 401) {
          var err = new Error("signin");
          err.signin = true;
          throw err;
        }
        if (!resp.ok) throw new Error("HTTP " + resp.status);
        return resp.json();
      });
  }

  function loadReference() {
    return store.get("meta", "reference").then(function (kept) {
      if (kept) ref = kept;
      if (!navigator.onLine) return null;
      return getJson(urls.reference).then(function (fresh) {
        ref = fresh;
        return store.put("meta", fresh, "reference");
      }).catch(signInIfNeeded);
    });
  }

  function fromServer(server) {
    return {
      organization: server.organization,
      program: server.program,
      content: server.content,
      title: server.title,
      start_date: server.start_date,
      end_date: server.end_date,
      locality: server.locality,
      narrative: server.narrative,
      not_for_publication: server.not_for_publication,
      participants: server.participants,
      values: server.values,
      funding: server.funding,
    };
  }

  function mergeServerReports() {
    if (!navigator.onLine) return Promise.resolve();
    return getJson(urls.reports).then(function (answer) {
      return Promise.all(answer.reports.map(function (server) {
        return store.get("reports", server.uuid).then(function (local) {
          if (!local) {
            return store.put("reports", {
              uuid: server.uuid, base_version: server.version, state: "sent",
              data: fromServer(server), server: server, updated: 0,
            });
          }
          if (local.state === "sent") {
            local.server = server;
            local.base_version = server.version;
            local.data = fromServer(server);
            return store.put("reports", local);
          }
          return null;  // the phone's edit waits; a changed version shows as a conflict
        });
      }));
    }).catch(signInIfNeeded);
  }

  function signInIfNeeded(err) {
    if (err && err.signin) {
      say(S.signin, "warning");
      var link = el("a", { href: urls.login }, " →");
      $("field-message").appendChild(link);
    }
    return null;
  }

  /* ---- sending ---- */

  function post(url, body, json) {
    var headers = { "X-CSRFToken": csrf(), Accept: "application/json" };
    if (json) headers["Content-Type"] = "application/json";
    return fetch(url, { method: "POST", credentials: "same-origin", headers: headers, body: body });
  }

  function sendReport(r) {
    var body = Object.assign({}, r.data, { uuid: r.uuid, base_version: r.base_version });
    return post(urls.sync, JSON.stringify(body), true).then(function (resp) {
      if (resp.status === 401) {
        var err = new Error("signin");
        err.signin = true;
        throw err;
      }
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (resp.ok) {
          r.state = "sent";
          r.base_version = data.report.version;
          r.server = data.report;
          r.errors = null;
        } else if (resp.status === 409) {
          r.state = "conflict";
          r.server = data.server;
          r.conflictMessage = data.message;
        } else if (resp.status === 400 || resp.status === 403) {
          r.state = "error";
          r.errors = data;
        } else {
          return null;  // the server failed: keep waiting, try again later
        }
        return store.put("reports", r);
      });
    }, function () { return null; });  // no connection: the report keeps waiting
  }

  function sendPhoto(p) {
    var form = new FormData();
    form.append("file", p.blob, p.name || "photo.jpg");
    form.append("id", p.id);
    form.append("caption", p.caption || "");
    return post(urls.photo.replace("REPORT", p.report), form, false).then(function (resp) {
      if (resp.ok) return store.remove("photos", p.id);
      if (resp.status === 400) {
        p.error = true;
        return store.put("photos", p);
      }
      return null;
    }, function () { return null; });
  }

  function syncAll() {
    if (!navigator.onLine || !store) return Promise.resolve();
    if (syncing) {
      syncAgain = true;  // a change made during a round goes out right after it
      return Promise.resolve();
    }
    syncing = true;
    root.dataset.syncing = "1";
    return store.all("reports").then(function (reports) {
      var waiting = reports.filter(function (r) { return r.state === "waiting"; });
      if (waiting.length) say(S.sending);
      return waiting.reduce(function (chain, r) {
        return chain.then(function () { return sendReport(r); });
      }, Promise.resolve());
    }).then(function () {
      return Promise.all([store.all("photos"), store.all("reports")]);
    }).then(function (all) {
      var sent = {};
      all[1].forEach(function (r) { if (r.state === "sent") sent[r.uuid] = true; });
      return all[0].filter(function (p) { return sent[p.report] && !p.error; })
        .reduce(function (chain, p) {
          return chain.then(function () { return sendPhoto(p); });
        }, Promise.resolve());
    }).then(function () {
      say("");
      return mergeServerReports();
    }).catch(signInIfNeeded).then(function () {
      syncing = false;
      return render();
    }).then(function () {
      if (syncAgain) {
        syncAgain = false;
        return syncAll();
      }
      delete root.dataset.syncing;
      return null;
    });
  }

  /* ---- the form ---- */

  function fillSelect(select, items, label, selected) {
    select.textContent = "";
    items.forEach(function (item) {
      var option = el("option", { value: String(item.id) }, label(item));
      if (String(item.id) === String(selected)) option.selected = true;
      select.appendChild(option);
    });
  }

  function contentsFor(orgId) {
    return ref.contents.filter(function (c) {
      return c.organizations.some(function (o) { return String(o) === String(orgId); });
    });
  }

  function renderParts(content, data) {
    var groups = $("f-participants");
    var values = $("f-values");
    groups.querySelectorAll(".field-row").forEach(function (n) { n.remove(); });
    values.querySelectorAll(".field-row").forEach(function (n) { n.remove(); });
    if (!content) return;
    content.target_groups.forEach(function (g) {
      var row = el("div", { "class": "field-row" });
      row.appendChild(el("label", { "for": "f-tg-" + g.id }, g.name));
      var input = el("input", { id: "f-tg-" + g.id, type: "number", min: "0", inputmode: "numeric", "data-group": g.id });
      var v = (data.participants || {})[g.id];
      if (v !== undefined) input.value = v;
      row.appendChild(input);
      groups.appendChild(row);
    });
    content.indicators.forEach(function (i) {
      var kept = (data.values || {})[i.id];
      var pair = Array.isArray(kept) ? kept : [kept, undefined];
      var row = el("div", { "class": "field-row" });
      var label = i.name + " (" + i.unit + ")" + (i.ratio ? " – " + S.numerator : "");
      row.appendChild(el("label", { "for": "f-ind-" + i.id }, label));
      var input = el("input", { id: "f-ind-" + i.id, type: "number", min: "0", step: "any", inputmode: "decimal", "data-indicator": i.id });
      if (pair[0] !== undefined) input.value = pair[0];
      row.appendChild(input);
      if (i.ratio) {
        // A ratio is counted from both parts, never typed as a percentage.
        row.appendChild(el("label", { "for": "f-den-" + i.id }, i.name + " – " + S.denominator));
        var den = el("input", { id: "f-den-" + i.id, type: "number", min: "0", step: "any", inputmode: "decimal", "data-denominator": i.id });
        if (pair[1] !== undefined) den.value = pair[1];
        row.appendChild(den);
      }
      values.appendChild(row);
    });
  }

  function openForm(record) {
    editing = record;
    var data = record ? record.data : {};
    var orgs = ref.organizations;
    $("field-org-row").hidden = orgs.length < 2;
    fillSelect($("f-organization"), orgs, function (o) { return o.name; }, data.organization || (orgs[0] && orgs[0].id));
    refreshContents(data.content);
    $("f-title").value = data.title || "";
    $("f-start").value = data.start_date || "";
    $("f-end").value = data.end_date || "";
    $("f-locality").value = data.locality || "";
    $("f-commune").value = data.locality ? communeName(data.locality) : "";
    $("f-narrative").value = data.narrative || "";
    $("f-private").checked = !!data.not_for_publication;
    FUNDS.forEach(function (f) {
      var v = (data.funding || {})[f];
      $("f-fund-" + f).value = v === undefined ? "" : v;
    });
    $("f-photos").value = "";
    $("f-caption").value = "";
    $("f-photo-count").textContent = "";
    $("field-form-errors").hidden = true;
    $("field-form").hidden = false;
    $("field-conflict").hidden = true;
    $("f-title").focus();
  }

  function refreshContents(selected) {
    var contents = contentsFor($("f-organization").value);
    fillSelect($("f-content"), contents, function (c) {
      var program = ref.programs.find(function (p) { return p.id === c.program; });
      return (program ? program.year + " · " : "") + c.order + ". " + c.title;
    }, selected);
    renderParts(contentOf($("f-content").value), editing ? editing.data : {});
  }

  function readForm() {
    var content = contentOf($("f-content").value);
    var participants = {};
    document.querySelectorAll("#f-participants input[data-group]").forEach(function (i) {
      if (i.value !== "") participants[i.dataset.group] = Number(i.value);
    });
    var values = {};
    document.querySelectorAll("#f-values input[data-indicator]").forEach(function (i) {
      if (i.value === "") return;
      var den = document.getElementById("f-den-" + i.dataset.indicator);
      values[i.dataset.indicator] = den ? [i.value, den.value] : i.value;
    });
    var funding = {};
    FUNDS.forEach(function (f) {
      var v = $("f-fund-" + f).value;
      if (v !== "") funding[f] = Number(v);
    });
    return {
      organization: Number($("f-organization").value) || null,
      program: content ? content.program : null,
      content: content ? content.id : null,
      title: $("f-title").value.trim(),
      start_date: $("f-start").value,
      end_date: $("f-end").value || $("f-start").value,
      locality: Number($("f-locality").value) || null,
      narrative: $("f-narrative").value,
      not_for_publication: $("f-private").checked,
      participants: participants,
      values: values,
      funding: funding,
    };
  }

  function shrink(file) {
    // At most 1,600 px on the long side, re-encoded as JPEG: what the phone sends is
    // small, and the server strips what is left of the metadata.
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.85); });
    });
  }

  function saveForm(event) {
    event.preventDefault();
    var data = readForm();
    if (!data.content || !data.title || !data.start_date || !data.locality) {
      $("field-form-errors").textContent = S.required;
      $("field-form-errors").hidden = false;
      return;
    }
    var record = editing || { uuid: newId(), base_version: null };
    record.data = data;
    record.state = "waiting";
    record.errors = null;
    record.updated = Date.now();
    var files = Array.prototype.slice.call($("f-photos").files || []);
    var caption = $("f-caption").value;
    // The form closes at once; what was typed is already in `record` and `files`.
    $("field-form").hidden = true;
    editing = null;
    store.put("reports", record).then(function () {
      return files.reduce(function (chain, file) {
        return chain.then(function () {
          return shrink(file).then(function (blob) {
            return store.put("photos", {
              id: newId(), report: record.uuid, blob: blob, caption: caption,
              name: (file.name || "photo").replace(/\.[^.]+$/, "") + ".jpg",
            });
          });
        });
      }, Promise.resolve());
    }).then(function () {
      say(S.saved);
      return render();
    }).then(syncAll);
  }

  function suggest() {
    var query = fold($("f-commune").value);
    var list = $("f-commune-list");
    list.textContent = "";
    $("f-locality").value = "";
    if (!query) {
      list.hidden = true;
      return;
    }
    var words = query.split(" ");
    var day = $("f-start").value;
    var hits = ref.communes.filter(function (c) {
      if (day && ((c.from && day < c.from) || (c.to && day > c.to))) return false;
      return words.every(function (w) { return c.folded.indexOf(w) !== -1; });
    }).slice(0, 12);
    if (!hits.length) list.appendChild(el("li", {}, S.no_match));
    hits.forEach(function (c) {
      var li = el("li", { role: "option", tabindex: "0", "data-commune": c.id }, c.name);
      list.appendChild(li);
    });
    list.hidden = false;
    $("f-commune").setAttribute("aria-expanded", "true");
  }

  function pickCommune(target) {
    var id = target.dataset.commune;
    if (!id) return;
    $("f-locality").value = id;
    $("f-commune").value = target.textContent;
    $("f-commune-list").hidden = true;
    $("f-commune").setAttribute("aria-expanded", "false");
  }

  /* ---- conflicts ---- */

  function describe(data) {
    var total = 0;
    Object.keys(data.participants || {}).forEach(function (k) { total += Number(data.participants[k]) || 0; });
    return [
      [S.title, data.title],
      [S.date, showDate(data.start_date)],
      [S.commune, communeName(data.locality)],
      [S.participants, String(total)],
      [S.narrative, data.narrative || ""],
    ];
  }

  function showConflict(uuid) {
    store.get("reports", uuid).then(function (r) {
      choosing = r;
      $("field-conflict-text").textContent = r.conflictMessage || S.conflict;
      [["field-conflict-mine", r.data], ["field-conflict-server", fromServer(r.server)]].forEach(function (pair) {
        var dl = $(pair[0]);
        dl.textContent = "";
        describe(pair[1]).forEach(function (row) {
          dl.appendChild(el("dt", {}, row[0]));
          dl.appendChild(el("dd", {}, row[1]));
        });
      });
      var serverStatus = el("dd", {}, r.server.status_label);
      $("field-conflict-server").appendChild(el("dt", {}, S.status));
      $("field-conflict-server").appendChild(serverStatus);
      $("field-keep-mine").disabled = !r.server.editable;
      $("field-conflict").hidden = false;
      $("field-form").hidden = true;
      $("field-conflict").scrollIntoView();
    });
  }

  function keepMine() {
    var r = choosing;
    r.base_version = r.server.version;
    r.state = "waiting";
    r.updated = Date.now();
    store.put("reports", r).then(function () {
      $("field-conflict").hidden = true;
      return render();
    }).then(syncAll);
  }

  function takeServer() {
    var r = choosing;
    r.data = fromServer(r.server);
    r.base_version = r.server.version;
    r.state = "sent";
    store.put("reports", r).then(function () {
      $("field-conflict").hidden = true;
      return render();
    });
  }

  /* ---- signing out on a shared phone ---- */

  function signOut() {
    if (!window.confirm(S.confirm_signout)) return;
    var done = function () {
      var form = el("form", { method: "post", action: urls.logout });
      var token = el("input", { type: "hidden", name: "csrfmiddlewaretoken" });
      token.value = csrf();
      form.appendChild(token);
      document.body.appendChild(form);
      form.submit();
    };
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("forget");
    }
    var clearCaches = window.caches ? caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf("phoihop-field-") === 0; })
        .map(function (k) { return caches.delete(k); }));
    }) : Promise.resolve();
    Promise.all([PhoiHopStore.forget(user, store), clearCaches]).then(done, done);
  }

  /* ---- start ---- */

  function wire() {
    $("field-new").addEventListener("click", function () { openForm(null); });
    $("field-send").addEventListener("click", syncAll);
    $("field-signout").addEventListener("click", signOut);
    $("field-cancel").addEventListener("click", function () { $("field-form").hidden = true; editing = null; });
    $("field-form").addEventListener("submit", saveForm);
    $("f-organization").addEventListener("change", function () { refreshContents(null); });
    $("f-content").addEventListener("change", function () {
      renderParts(contentOf($("f-content").value), editing ? editing.data : {});
    });
    $("f-commune").addEventListener("input", suggest);
    $("f-commune-list").addEventListener("click", function (e) { pickCommune(e.target); });
    $("f-commune-list").addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();
        pickCommune(e.target);
      }
    });
    $("f-photos").addEventListener("change", function () {
      var n = ($("f-photos").files || []).length;
      $("f-photo-count").textContent = n ? n + " × " + S.photo : "";
    });
    $("field-list").addEventListener("click", function (e) {
      var t = e.target;
      if (t.dataset.edit) store.get("reports", t.dataset.edit).then(openForm);
      if (t.dataset.choose) showConflict(t.dataset.choose);
      if (t.dataset["delete"] && window.confirm(S.confirm_delete)) {
        var id = t.dataset["delete"];
        store.photosOf(id).then(function (photos) {
          return Promise.all(photos.map(function (p) { return store.remove("photos", p.id); }));
        }).then(function () { return store.remove("reports", id); }).then(render);
      }
    });
    $("field-keep-mine").addEventListener("click", keepMine);
    $("field-take-server").addEventListener("click", takeServer);
    window.addEventListener("online", function () { showNetwork(); syncAll(); });
    window.addEventListener("offline", showNetwork);
    window.setInterval(function () { if (navigator.onLine) syncAll(); }, 60000);
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator)) return Promise.resolve();
    return navigator.serviceWorker.register(urls.sw, { scope: urls.scope })
      .then(function () { return navigator.serviceWorker.ready; })
      .catch(function () { return null; });
  }

  showNetwork();
  wire();
  PhoiHopStore.open(user).then(function (opened) {
    store = opened;
    return loadReference();
  }).then(function () {
    return mergeServerReports();
  }).then(render).then(function () {
    root.dataset.ready = "1";
    $("field-ready").hidden = false;
    return registerWorker();
  }).then(function () {
    var sw = navigator.serviceWorker;
    if (sw && sw.controller) root.dataset.worker = "1";
    else if (sw) sw.addEventListener("controllerchange", function () { root.dataset.worker = "1"; });
    return syncAll();
  });
})();
