/* Idea boards, progressive enhancement only: every form works without this script.
 *
 * - Vote forms submit with fetch and update in place (a normal submit if anything fails).
 * - The post form suggests similar ideas while the title is typed.
 * - Live events (live.js) update vote counts, status badges and comment counts of every idea on
 *   the page (elements with data-idea-id); on the idea page new comments are fetched and swapped.
 * - Small helpers: status dot colours (the CSP forbids style attributes, CSSOM is allowed),
 *   confirm before delete, and no double submit of forms marked data-once.
 */
(function () {
  "use strict";

  // Django's JavaScript catalogue (/jsi18n/, loaded first by base.html) defines these; English
  // stands in if it failed to load. Strings go to djangojs.po: call them by these names.
  var gettext = window.gettext || function (s) { return s; };
  var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
  var interpolate = window.interpolate || function (s, values) {
    return s.replace(/%\((\w+)\)s/g, function (_, key) { return String(values[key]); });
  };

  function csrfToken(form) {
    var input = form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  /* Status dots take the status's own colour, so statuses staff add keep theirs. */
  function paintStatuses(root) {
    root.querySelectorAll("[data-status-color]").forEach(function (el) {
      var colour = el.getAttribute("data-status-color");
      if (/^#[0-9a-f]{3,8}$/i.test(colour)) el.style.setProperty("--status-dot", colour);
    });
  }

  function ideaNodes(id) {
    return document.querySelectorAll('[data-idea-id="' + String(id).replace(/\D/g, "") + '"]');
  }

  function setAll(root, selector, text) {
    root.querySelectorAll(selector).forEach(function (el) { el.textContent = String(text); });
  }

  /* --- Votes ---------------------------------------------------------------------------- */

  function showVote(id, voted, votes, version) {
    ideaNodes(id).forEach(function (root) {
      var shown = parseInt(root.getAttribute("data-version") || "0", 10);
      if (version !== undefined && version >= shown) root.setAttribute("data-version", String(version));
      setAll(root, "[data-vote-count]", votes);
      if (voted === undefined) return;
      root.querySelectorAll("[data-vote-form]").forEach(function (form) {
        var button = form.querySelector("button");
        if (button) button.setAttribute("aria-pressed", voted ? "true" : "false");
        var action = form.querySelector("[data-vote-action]");
        if (action) action.value = voted ? "unvote" : "vote";
        var label = form.querySelector("[data-vote-label]");
        if (label) label.textContent = label.getAttribute(voted ? "data-label-on" : "data-label-off");
      });
    });
  }

  function submitVote(event, form) {
    var button = form.querySelector("button");
    var holder = form.closest("[data-idea-id]");
    if (!window.fetch || !window.FormData || !holder) return; // the normal submit goes ahead
    event.preventDefault();
    if (button.getAttribute("aria-busy") === "true") return;
    button.setAttribute("aria-busy", "true");
    var id = holder.getAttribute("data-idea-id");
    // getAttribute: the form's hidden "action" input shadows the form.action property.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken(form) },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        // Record the version so an older live event cannot undo what we show now.
        if (window.Cocreate) window.Cocreate.live.isNewer("idea", id, data.version);
        showVote(id, data.voted, data.votes, data.version);
        button.removeAttribute("aria-busy");
      })
      .catch(function () {
        // Logged out, refused or offline: the server's own page says why.
        button.removeAttribute("aria-busy");
        form.submit();
      });
  }

  /* --- Forms: confirm, once --------------------------------------------------------------- */

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("[data-vote-form]")) return submitVote(event, form);
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) return event.preventDefault();
    if (form.hasAttribute("data-once")) {
      if (form.getAttribute("data-sent")) return event.preventDefault();
      form.setAttribute("data-sent", "1");
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.setAttribute("aria-busy", "true"); });
    }
  });
  // Back/forward cache: a form sent before is usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      form.removeAttribute("data-sent");
      form.querySelectorAll("[aria-busy]").forEach(function (b) { b.removeAttribute("aria-busy"); });
    });
  });

  /* --- Similar ideas while typing a title --------------------------------------------------- */

  function similarIdeas(wrap) {
    var input = wrap.querySelector("input[name=title]");
    if (!input || !window.fetch) return;
    var url = wrap.getAttribute("data-similar-url");
    var region = document.createElement("div");
    region.setAttribute("aria-live", "polite");
    (input.closest(".field") || input.parentNode).appendChild(region);
    var confirmed = wrap.closest("form").querySelector("input[name=confirmed]");
    var timer = null;
    var last = "";
    var controller = null;

    function render(items) {
      region.textContent = "";
      if (confirmed) confirmed.value = items.length ? "1" : confirmed.value;
      if (!items.length) return;
      var box = document.createElement("div");
      box.className = "similar";
      var heading = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = gettext("Similar ideas — vote instead?");
      heading.appendChild(strong);
      box.appendChild(heading);
      var list = document.createElement("ul");
      list.className = "similar-list";
      items.forEach(function (item) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.title;
        var votes = document.createElement("span");
        votes.className = "meta";
        votes.textContent = interpolate(
          ngettext("%(n)s vote", "%(n)s votes", item.votes), { n: item.votes }, true);
        var status = document.createElement("span");
        status.className = "status status-" + String(item.status_slug).replace(/[^\w-]/g, "");
        status.textContent = item.status;
        li.append(link, " ", votes, " ", status);
        list.appendChild(li);
      });
      box.appendChild(list);
      region.appendChild(box);
    }

    function lookup() {
      var q = input.value.trim();
      if (q === last) return;
      last = q;
      if (controller) controller.abort();
      if (q.length < 3) return render([]);
      controller = "AbortController" in window ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(q), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(render)
        .catch(function () { /* aborted or offline: keep what is shown */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, 250);
    });
  }

  /* --- Live updates ------------------------------------------------------------------------ */

  function refreshComments(page, force) {
    var list = page.querySelector("[data-comments]");
    if (!list) return;
    var notice = page.querySelector("[data-comments-update]");
    var typing = Array.prototype.some.call(list.querySelectorAll("textarea"), function (t) {
      return t.value.trim() !== "" || t === document.activeElement;
    });
    if (typing && !force) {
      // Never throw away a reply being written: offer the new comments instead.
      if (notice) notice.hidden = false;
      return;
    }
    fetch(list.getAttribute("data-comments-url"), { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) return;
        list.innerHTML = html; // our own server-rendered fragment: stored clean HTML only
        paintStatuses(list);
        if (notice) notice.hidden = true;
      })
      .catch(function () {});
  }

  function applyIdea(message) {
    var live = window.Cocreate.live;
    var nodes = ideaNodes(message.id);
    if (!nodes.length || !live.isNewer("idea", message.id, message.version)) return;
    nodes.forEach(function (root) {
      var shown = parseInt(root.getAttribute("data-version") || "0", 10);
      if (message.version < shown) return; // the page was rendered after this event
      root.setAttribute("data-version", String(message.version));
      setAll(root, "[data-vote-count]", message.votes);
      root.querySelectorAll("[data-vote-form] button").forEach(function (b) { b.disabled = !message.votable; });
      root.querySelectorAll("[data-status-badge]").forEach(function (badge) {
        var slug = String(message.status.slug).replace(/[^\w-]/g, "");
        if (badge.className.indexOf("status-" + slug) === -1) {
          var notice = root.querySelector("[data-status-notice]");
          if (notice) notice.hidden = false;
        }
        badge.className = "status status-" + slug;
        // Events serve every page's language: take the label in this page's.
        var labels = message.status.labels || {};
        badge.textContent = labels[document.documentElement.lang] || message.status.label;
        badge.setAttribute("data-status-color", message.status.color);
      });
      paintStatuses(root);
      var counts = root.querySelectorAll("[data-comment-count]");
      var before = counts.length ? counts[0].textContent.trim() : "";
      setAll(root, "[data-comment-count]", message.comments);
      if (before !== "" && before !== String(message.comments) && root.querySelector("[data-comments]")) {
        refreshComments(root, false);
      }
      if (message.merged_into) {
        var merged = root.querySelector("[data-merged-notice]");
        if (merged) {
          merged.querySelector("[data-merged-link]").href = message.merged_into;
          merged.hidden = false;
        }
      }
    });
  }

  function start() {
    paintStatuses(document);
    document.querySelectorAll("[data-similar-url]").forEach(similarIdeas);
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-comments-refresh]");
      if (button) refreshComments(button.closest("[data-idea-id]"), true);
    });
  }

  if (window.Cocreate && window.Cocreate.live) window.Cocreate.live.on("idea", applyIdea);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
