/* PhốiHợp report form: a copy of what is typed kept on the device (so an ended session
 * or a lost connection never loses it), restored on the next visit; photos shrunk to at
 * most 1600 px before upload. No strings here: messages come from data-* attributes. */
(function () {
  "use strict";
  var PREFIX = "phoihop:report:";
  var NEW_KEY = PREFIX + "new";
  var SKIP = { csrfmiddlewaretoken: 1, q: 1 };

  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function collect(form) {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.type === "file" || el.type === "submit") return;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      (fields[el.name] = fields[el.name] || []).push(el.value);
    });
    var chosen = form.querySelector("input[name=locality]:checked");
    return {
      fields: fields,
      locality: chosen ? { value: chosen.value, label: chosen.getAttribute("data-label") || "" } : null,
      version: (form.elements.version && form.elements.version.value) || "",
      at: Date.now()
    };
  }

  function save(form) {
    var s = store();
    if (!s) return;
    var uuid = form.elements.uuid.value;
    try {
      s.setItem(PREFIX + uuid, JSON.stringify(collect(form)));
      if (form.getAttribute("data-new") === "1") s.setItem(NEW_KEY, uuid);
    } catch (e) { /* storage full or denied: the autosave still works */ }
  }

  function fill(form, fields, onlyNames) {
    Object.keys(fields).forEach(function (name) {
      if (name === "uuid" || name === "version" || name === "locality") return;
      if (onlyNames && onlyNames.indexOf(name) === -1) return;
      var values = fields[name];
      Array.prototype.forEach.call(form.querySelectorAll("[name='" + name + "']"), function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = values.indexOf(el.value) !== -1;
        } else {
          el.value = values[0];
        }
      });
    });
    // Checkboxes left unticked were not stored: untick them.
    Array.prototype.forEach.call(form.querySelectorAll("input[type=checkbox]"), function (el) {
      if (!fields[el.name] && (!onlyNames || onlyNames.indexOf(el.name) !== -1)) el.checked = false;
    });
  }

  function setLocality(form, locality) {
    if (!locality) return;
    var box = document.getElementById("locality-chosen");
    if (!box) return;
    box.textContent = "";
    var label = document.createElement("label");
    label.className = "choice";
    var input = document.createElement("input");
    input.type = "radio";
    input.name = "locality";
    input.value = locality.value;
    input.checked = true;
    input.setAttribute("data-label", locality.label);
    label.appendChild(input);
    label.appendChild(document.createTextNode(" " + locality.label));
    box.appendChild(label);
  }

  function differs(form, saved) {
    return JSON.stringify(collect(form).fields) !== JSON.stringify(saved.fields);
  }

  function restore(form) {
    var s = store();
    if (!s) return;
    var uuid = form.elements.uuid.value;
    if (form.getAttribute("data-new") === "1") {
      var pending = s.getItem(NEW_KEY);
      if (pending && s.getItem(PREFIX + pending)) uuid = pending;
    }
    var raw = s.getItem(PREFIX + uuid);
    if (!raw) return;
    var saved;
    try { saved = JSON.parse(raw); } catch (e) { return; }
    // An edit form restores only a copy of the version it shows: a newer server
    // version means the copy was saved (or someone else changed the report).
    var shown = (form.elements.version && form.elements.version.value) || "";
    if (form.getAttribute("data-new") !== "1" && saved.version !== shown) return;
    if (!differs(form, saved)) return;
    form.elements.uuid.value = uuid;
    var contentBefore = form.elements.content ? form.elements.content.value : "";
    fill(form, saved.fields);
    setLocality(form, saved.locality);
    var note = document.getElementById("restore-note");
    var done = function () {
      fill(form, saved.fields);
      if (note) { note.textContent = note.getAttribute("data-text"); note.hidden = false; }
      save(form);
    };
    var select = form.elements.content;
    if (select && select.value !== contentBefore && window.htmx) {
      // The content decides which fields exist: load them, then fill them.
      window.htmx.ajax("GET", select.getAttribute("hx-get"), {
        source: select, target: "#parts", values: collect(form).fields
      }).then(done, done);
    } else {
      done();
    }
  }

  function clearSaved() {
    var s = store();
    var marker = document.querySelector("[data-clear-report]");
    if (!s || !marker) return;
    var uuid = marker.getAttribute("data-clear-report");
    s.removeItem(PREFIX + uuid);
    if (s.getItem(NEW_KEY) === uuid) s.removeItem(NEW_KEY);
  }

  // -- photos ------------------------------------------------------------------------

  function shrink(file, max) {
    return new Promise(function (resolve) {
      if (!/^image\/(jpeg|png|webp|bmp)$/.test(file.type) || !window.HTMLCanvasElement) {
        resolve(file);
        return;
      }
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, max / Math.max(img.naturalWidth, img.naturalHeight));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(img.naturalWidth * scale);
        canvas.height = Math.round(img.naturalHeight * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob(function (blob) {
          // Always the shrunk one when the photo was too large; else the smaller.
          resolve(blob && (scale < 1 || blob.size < file.size) ? blob : file);
        }, "image/jpeg", 0.85);
      };
      img.onerror = function () { URL.revokeObjectURL(url); resolve(file); };
      img.src = url;
    });
  }

  function wirePhotos(root) {
    Array.prototype.forEach.call(root.querySelectorAll("form.photo-upload"), function (form) {
      if (form.getAttribute("data-wired")) return;
      form.setAttribute("data-wired", "1");
      form.addEventListener("submit", function (event) {
        var input = form.querySelector("input[type=file]");
        if (!input || !input.files.length || !window.fetch) return; // plain upload
        event.preventDefault();
        var status = form.querySelector(".upload-status");
        if (status) status.textContent = form.getAttribute("data-busy");
        var file = input.files[0];
        var max = parseInt(form.getAttribute("data-max"), 10) || 1600;
        shrink(file, max).then(function (blob) {
          var data = new FormData(form);
          var name = blob === file ? file.name : file.name.replace(/\.[^.]*$/, "") + ".jpg";
          data.set("file", blob, name);
          return fetch(form.action, {
            method: "POST", body: data, credentials: "same-origin",
            headers: { "X-Requested-With": "fetch" }
          });
        }).then(function (response) {
          if (response.redirected && response.url.indexOf("/accounts/login/") !== -1) {
            if (status) status.textContent = form.getAttribute("data-expired");
            return null;
          }
          return response.text();
        }).then(function (html) {
          if (html === null || html === undefined) return;
          var box = document.getElementById("attachments");
          if (box) box.outerHTML = html;
          form.reset();
          if (status) status.textContent = "";
        });
      });
    });
  }

  // Saving the form while an autosave is on its way would meet the version the
  // autosave just made and be refused as a conflict: wait for it, and send no
  // autosave once the form is being sent.
  function guardSubmit(form) {
    var autosaver = document.getElementById("autosaver");
    if (!autosaver) return;
    var inflight = false, pending = null, submitting = false;
    autosaver.addEventListener("htmx:beforeRequest", function (event) {
      if (submitting) { event.preventDefault(); return; }
      inflight = true;
    });
    autosaver.addEventListener("htmx:afterRequest", function () {
      inflight = false;
      if (!pending) return;
      var button = pending;
      pending = null;
      setTimeout(function () {  // after the new version is swapped into the form
        submitting = true;
        form.requestSubmit(button);
      }, 50);
    });
    form.addEventListener("submit", function (event) {
      if (inflight) {
        event.preventDefault();
        pending = event.submitter || form.querySelector("button[type=submit]");
        return;
      }
      submitting = true;
    });
  }

  function init() {
    clearSaved();
    var form = document.getElementById("activity-form");
    if (form) {
      restore(form);
      var timer = null;
      var later = function () {
        clearTimeout(timer);
        timer = setTimeout(function () { save(form); }, 300);
      };
      form.addEventListener("input", later);
      form.addEventListener("change", later);
      guardSubmit(form);
      // Typing a commune search must not leave two choices checked from the results.
      document.body.addEventListener("htmx:afterSettle", function () {
        save(form);
        wirePhotos(document);
      });
    }
    wirePhotos(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
