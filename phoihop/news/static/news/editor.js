/* A small toolbar over the article body's textarea: it wraps the selection in the few
   tags the server keeps (phoihop.news.html). No package, no CDN, no inline script; the
   server cleans whatever is sent, so this is a convenience only. Without JavaScript the
   textarea works as it is. */
(function () {
  "use strict";
  var labels = document.getElementById("rt-labels");
  function label(key) { return (labels && labels.dataset[key]) || key; }
  var BUTTONS = [
    { label: "B", title: label("bold"), open: "<strong>", close: "</strong>" },
    { label: "I", title: label("italic"), open: "<em>", close: "</em>" },
    { label: "H2", title: label("subheading"), open: "<h2>", close: "</h2>" },
    { label: "¶", title: label("paragraph"), open: "<p>", close: "</p>" },
    { label: "•", title: label("list"), open: "<ul>\n<li>", close: "</li>\n</ul>" },
    { label: "“”", title: label("quote"), open: "<blockquote>", close: "</blockquote>" },
    { label: "🔗", title: label("link"), link: true }
  ];

  function wrap(area, open, close) {
    var start = area.selectionStart, end = area.selectionEnd, text = area.value;
    area.value = text.slice(0, start) + open + text.slice(start, end) + close + text.slice(end);
    area.focus();
    area.selectionStart = start + open.length;
    area.selectionEnd = end + open.length;
  }

  function toolbar(area) {
    var bar = document.createElement("div");
    bar.className = "rt-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", label("toolbar"));
    BUTTONS.forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b.label;
      button.title = b.title;
      button.setAttribute("aria-label", b.title);
      button.addEventListener("click", function () {
        if (b.link) {
          var url = window.prompt(label("linkPrompt"), "https://");
          if (!url) { return; }
          var safe = url.replace(/"/g, "%22");
          wrap(area, '<a href="' + safe + '">', "</a>");
        } else {
          wrap(area, b.open, b.close);
        }
      });
      bar.appendChild(button);
    });
    area.parentNode.insertBefore(bar, area);
  }

  document.querySelectorAll("textarea[data-rich-text]").forEach(toolbar);
})();
