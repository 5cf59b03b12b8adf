/* Polls, progressive enhancement only: the ballot and the results work without this script.
 *
 * Live results: the page subscribes to poll.<id> (data-live-topic, see live.js); every event
 * carries the whole result and a version, and is applied only if newer than what is shown.
 * The bars are SVG rects: their width attribute is the percentage.
 */
(function () {
  "use strict";
  var live = window.Cocreate && window.Cocreate.live;
  if (!live) return;

  function set(root, selector, value) {
    var el = root.querySelector(selector);
    if (el && value !== undefined && value !== null) el.textContent = String(value);
  }

  function bar(row, percent) {
    var value = String(Math.max(0, Math.min(100, percent || 0)));
    var rect = row.querySelector("[data-bar]");
    if (rect) rect.setAttribute("width", value);
    var column = row.querySelector("[data-bar-height]");
    if (column) column.setAttribute("height", value);
  }

  live.on("poll", function (m) {
    var page = document.querySelector('[data-poll-id="' + String(m.id).replace(/\D/g, "") + '"]');
    if (!page) return;
    var holder = page.querySelector("[data-poll-results]");
    if (holder) {
      var shown = parseInt(holder.getAttribute("data-version") || "0", 10);
      if (m.version < shown || !live.isNewer("poll", m.id, m.version)) return;
      holder.setAttribute("data-version", String(m.version));
      set(holder, "[data-ballots]", m.ballots);
      (m.questions || []).forEach(function (q) {
        var section = holder.querySelector('[data-question-id="' + q.id + '"]');
        if (!section) return;
        set(section, "[data-respondents]", q.respondents);
        set(section, "[data-mean]", q.mean === null ? "–" : q.mean);
        (q.options || []).forEach(function (o) {
          var row = section.querySelector('[data-option-id="' + o.id + '"]');
          if (!row) return;
          set(row, "[data-percent]", o.percent);
          set(row, "[data-count]", o.count);
          set(row, "[data-points]", o.points);
          set(row, "[data-place]", o.average_place === null ? "–" : o.average_place);
          bar(row, o.percent);
        });
        (q.scale || []).forEach(function (s) {
          var row = section.querySelector('[data-value="' + s.value + '"]');
          if (!row) return;
          set(row, "[data-percent]", s.percent);
          set(row, "[data-count]", s.count);
          bar(row, s.percent);
        });
      });
    }
    if (m.phase === "closed" && page.getAttribute("data-phase") !== "closed") {
      var notice = document.querySelector("[data-closed-notice]");
      if (notice) notice.hidden = false;
    }
  });
})();
