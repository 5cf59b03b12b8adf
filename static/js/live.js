/* Live updates over one websocket per tab. Pages work without it; this only makes them live.
 *
 * Protocol (see community/consumers.py): we send {"subscribe": [topics]}, gathered from
 * elements with data-live-topic; the server answers with a snapshot of each topic's state,
 * then pushes events. Every event carries the full state and a version: we apply it only if
 * it is newer than what the page shows, because the channel layer may drop or reorder. After a
 * reconnect (with backoff) we subscribe again and so receive fresh snapshots.
 *
 * A worker that is being restarted (a deploy) closes its sockets with 1012 "service restart":
 * we reconnect within a few seconds, spread out so the other workers are not stampeded, and the
 * load balancer sends us to one of them. When Redis restarts the socket stays open and the
 * server itself joins its groups again and sends fresh snapshots.
 */
(function () {
  "use strict";
  var handlers = {};
  var versions = {};
  var socket = null;
  var attempt = 0;

  function on(type, fn) { (handlers[type] = handlers[type] || []).push(fn); }

  /* True if this (type, key) version is newer than the last applied; records it. */
  function isNewer(type, key, version) {
    var id = type + ":" + key;
    var seen = versions[id];
    if (seen !== undefined && version <= seen) return false;
    versions[id] = version;
    return true;
  }

  function topics() {
    var found = {};
    document.querySelectorAll("[data-live-topic]").forEach(function (el) {
      el.getAttribute("data-live-topic").split(/\s+/).forEach(function (t) { if (t) found[t] = true; });
    });
    return Object.keys(found);
  }

  function connect() {
    if (!("WebSocket" in window)) return;
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/live/");
    socket.onopen = function () {
      attempt = 0;
      document.documentElement.setAttribute("data-live", "on");
      var list = topics();
      if (list.length) socket.send(JSON.stringify({ subscribe: list }));
    };
    socket.onmessage = function (e) {
      var message;
      try { message = JSON.parse(e.data); } catch (err) { return; }
      (handlers[message.type] || []).forEach(function (fn) { fn(message); });
    };
    socket.onclose = function (e) {
      document.documentElement.setAttribute("data-live", "off");
      attempt += 1;
      var delay;
      if (e.code === 1012 || e.code === 1001) {
        // Restarting or going away: another worker is up, come back soon but not all at once.
        delay = 500 + Math.random() * 2500;
      } else {
        // 1 s, 2 s, 4 s ... up to 15 s, with jitter so a restarted server is not stampeded.
        delay = Math.min(15000, 1000 * Math.pow(2, attempt - 1)) * (0.7 + Math.random() * 0.6);
      }
      setTimeout(connect, delay);
    };
  }

  // The bell: unread count for this member, on every page.
  on("notifications", function (m) {
    var badge = document.querySelector("[data-unread-count]");
    if (!badge) return;
    var shown = parseInt(badge.getAttribute("data-version") || "0", 10);
    if (m.version < shown || !isNewer("notifications", "me", m.version)) return;
    badge.setAttribute("data-version", String(m.version));
    badge.firstChild.nodeValue = String(m.unread);
    badge.hidden = m.unread === 0;
  });

  window.Cocreate = { live: { on: on, isNewer: isNewer } };
  // Deferred page scripts register their handlers before DOMContentLoaded fires.
  if (document.readyState === "complete") connect();
  else document.addEventListener("DOMContentLoaded", connect);
})();
