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
  var busy = false;      // one fetch at a time: a late answer never overwrites a newer one
  var again = false;     // an event came while fetching
  var newest = 0;        // the latest change an event told of (ms); the rows must show it
  var retries = 0;

  function when(stamp) { var ms = Date.parse(stamp || ""); return isNaN(ms) ? 0 : ms; }

  function known() {
    var ids = {};
    rows.querySelectorAll("[data-item]").forEach(function (row) { ids[row.getAttribute("data-item")] = row.getAttribute("data-version"); });
    return ids;
  }

  function refresh() {
    timer = null;
    if (busy) { again = true; return; }
    busy = true; again = false;
    var url = page.getAttribute("data-rows-url") + location.search;
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "X-Requested-With": "fetch" } })
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
          // Drawn from a state older than a change we were told of (it committed while the rows
          // were read): fetch again, a few times at most.
          if (when(counts.getAttribute("data-stamp")) < newest && retries < 3) { retries += 1; again = true; }
          else { retries = 0; }
        }
        if (notice) { notice.hidden = false; }
      })
      .catch(function () { /* offline for a moment: the next event or reconnect refreshes */ })
      .then(function () {
        busy = false;
        if (again) soon();
      });
  }

  function soon() { if (!timer) timer = setTimeout(refresh, 250); }

  live.on("inbox", function (message) {
    var mine = String(message.team) === team;
    // An item that left this inbox (re-routed) names its new team: refresh if we show it.
    if (!mine && !(message.item && rows.querySelector('[data-item="' + message.item.id + '"]'))) return;
    if (mine) newest = Math.max(newest, when(message.stamp));
    if (message.item === null) {
      // The snapshot after (re)subscribing: refresh only if the inbox changed since the page was drawn.
      if (message.stamp === rows.getAttribute("data-stamp")) return;
      rows.setAttribute("data-stamp", message.stamp);
    }
    soon();
  });
})();
