/* Live beta threads: when a thread changes (a reply, a new status or tags), show its new reply
 * count and status, and offer to load the new replies. Events carry counts and labels only,
 * never text; replies come from the page's own rule-checked fragment URL. */
(function () {
  "use strict";
  var page = document.querySelector("[data-thread-id]");
  if (!page || !window.Cocreate || !window.Cocreate.live) return;
  var live = window.Cocreate.live;
  var id = page.getAttribute("data-thread-id");
  live.isNewer("beta-thread", id, parseInt(page.getAttribute("data-version"), 10));
  var shown = parseInt((page.querySelector("[data-post-count]") || {}).textContent, 10) || 0;

  function loadPosts() {
    fetch(page.getAttribute("data-posts-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) return;
        page.querySelector("[data-posts]").innerHTML = html;
        page.querySelector("[data-posts-update]").hidden = true;
      });
  }

  live.on("beta-thread", function (message) {
    if (String(message.id) !== id || !live.isNewer("beta-thread", message.id, message.version)) return;
    var count = page.querySelector("[data-post-count]");
    if (count) count.textContent = message.posts;
    if (message.status) {
      page.querySelectorAll("[data-item-status]").forEach(function (badge) {
        badge.textContent = message.status.label;
        badge.className = "fb-status fb-status-" + message.status.code;
      });
    }
    if (message.posts > shown) {
      shown = message.posts;
      page.querySelector("[data-posts-update]").hidden = false;
    }
  });

  var refresh = page.querySelector("[data-posts-refresh]");
  if (refresh) refresh.addEventListener("click", loadPosts);
})();
