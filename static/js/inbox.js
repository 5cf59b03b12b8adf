/* Live team inbox: when the team's feedback arrives or changes (an event on "inbox.<team>"), fetch
 * the rows again through the page's own rule-checked URL, with the page's filters, and swap them
 * in; ticked rows stay ticked and new rows flash. Events carry ids and versions, never text.
 * Without JavaScript the page works as is (reload to see what changed). */
(function () {
  "use strict";
  var page = document.querySelector("[data-inbox-team]");
  if (!page || !window.Cocreate || !window.Cocreate.live) return;
  var live = window.Cocreate.live;
  var team = page.getAttribute("data-inbox-team");
  var rows = page.querySelector("[data-inbox-rows]");
  var notice = page.querySelector("[data-inbox-notice]");
  var timer = null;

  function known() {
    var ids = {};
    rows.querySelectorAll("[data-item]").forEach(function (row) { ids[row.getAttribute("data-item")] = row.getAttribute("data-version"); });
    return ids;
  }

  function refresh() {
    timer = null;
    var url = page.getAttribute("data-rows-url") + location.search;
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var before = known();
        var ticked = {};
        rows.querySelectorAll("input[name=item]:checked").forEach(function (box) { ticked[box.value.split(".")[0]] = true; });
        rows.innerHTML = html;
        rows.querySelectorAll("[data-item]").forEach(function (row) {
          var id = row.getAttribute("data-item");
          if (before[id] !== row.getAttribute("data-version")) row.classList.add("is-fresh");
          var box = row.querySelector("input[name=item]");
          if (box && ticked[id]) box.checked = true;
        });
        var counts = rows.querySelector("[data-inbox-counts]");
        if (counts) {
          page.querySelectorAll("[data-count]").forEach(function (el) {
            var value = counts.getAttribute("data-" + el.getAttribute("data-count"));
            if (value !== null) el.textContent = value;
          });
        }
        if (notice) { notice.hidden = false; }
      });
  }

  function soon() { if (!timer) timer = setTimeout(refresh, 250); }

  live.on("inbox", function (message) {
    var mine = String(message.team) === team;
    // An item that left this inbox (re-routed) names its new team: refresh if we show it.
    if (!mine && !(message.item && rows.querySelector('[data-item="' + message.item.id + '"]'))) return;
    if (message.item === null) {
      // The snapshot after (re)subscribing: refresh only if the inbox changed since the page was drawn.
      if (message.stamp === rows.getAttribute("data-stamp")) return;
      rows.setAttribute("data-stamp", message.stamp);
    }
    soon();
  });
})();
