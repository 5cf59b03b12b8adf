/* Cocreate touchpoint widget: an NPS question (0–10) and an optional comment, embedded with one
 * script tag on a page of an allowed origin:
 *
 *   <script src="https://cocreate.example/static/feedback/widget.js" data-touchpoint="tp_…"
 *           data-reference="…" data-signature="…" async></script>
 *
 * No framework, no inline styles (it works under a strict Content Security Policy): it adds its
 * stylesheet from the same place as this script, asks the endpoint for its words in the page's
 * language (<html lang>, or data-lang), and renders a real form (radio buttons, a label, a live
 * status region), so keyboards and screen readers work as with any form. Cookies are never sent.
 */
(function () {
  "use strict";
  var counter = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function addStylesheet(base) {
    var href = base + "/static/feedback/widget.css";
    if (document.querySelector('link[data-cocreate-widget]')) return;
    var link = el("link", { rel: "stylesheet", href: href, "data-cocreate-widget": "" });
    document.head.appendChild(link);
  }

  function render(script, endpoint, words) {
    var n = ++counter;
    var id = function (part) { return "cocreate-nps-" + n + "-" + part; };
    var form = el("form", { "class": "cocreate-nps", "aria-labelledby": id("question"), novalidate: "" });
    form.lang = words.language;
    var fieldset = el("fieldset", { "class": "cn-fieldset" });
    var legend = el("legend", { id: id("question"), "class": "cn-question" }, words.question);
    fieldset.appendChild(legend);
    var scale = el("div", { "class": "cn-scale" });
    for (var score = 0; score <= 10; score++) {
      var input = el("input", { type: "radio", name: "score", value: String(score), id: id("s" + score),
        "class": "cn-radio", "aria-describedby": id("ends") });
      var label = el("label", { "for": id("s" + score), "class": "cn-score", title: words.score.replace("%(n)s", score) });
      label.appendChild(el("span", { "aria-hidden": "true" }, String(score)));
      label.appendChild(el("span", { "class": "cn-hidden" }, words.score.replace("%(n)s", score)));
      scale.appendChild(input);
      scale.appendChild(label);
    }
    fieldset.appendChild(scale);
    var ends = el("p", { id: id("ends"), "class": "cn-ends" });
    ends.appendChild(el("span", {}, "0 = " + words.low));
    ends.appendChild(el("span", {}, "10 = " + words.high));
    fieldset.appendChild(ends);
    form.appendChild(fieldset);
    form.appendChild(el("label", { "for": id("comment"), "class": "cn-label" }, words.comment));
    var comment = el("textarea", { id: id("comment"), name: "comment", rows: "3", maxlength: String(words.max_comment),
      "class": "cn-comment" });
    form.appendChild(comment);
    var button = el("button", { type: "submit", "class": "cn-send" }, words.send);
    form.appendChild(button);
    var status = el("p", { role: "status", "aria-live": "polite", "class": "cn-status", id: id("status") });
    form.appendChild(status);
    script.parentNode.insertBefore(form, script.nextSibling);

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = form.querySelector("input[name=score]:checked");
      if (!chosen) {
        status.textContent = words.choose;
        status.className = "cn-status cn-error";
        form.querySelector("input[name=score]").focus();
        return;
      }
      var payload = { score: parseInt(chosen.value, 10), comment: comment.value, language: words.language };
      if (script.dataset.reference) {
        payload.reference = script.dataset.reference;
        payload.signature = script.dataset.signature || "";
      }
      button.disabled = true;
      status.className = "cn-status";
      status.textContent = words.sending;
      fetch(endpoint, {
        method: "POST", mode: "cors", credentials: "omit",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload)
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.ok) {
            var thanks = el("p", { "class": "cn-thanks", tabindex: "-1", role: "status" }, body.message || words.thanks);
            form.replaceWith(thanks);
            thanks.focus();
            return;
          }
          var message = body.detail || (body.error && body.error[Object.keys(body.error)[0]]) || words.failed;
          status.textContent = message;
          status.className = "cn-status cn-error";
          button.disabled = false;
        });
      }).catch(function () {
        status.textContent = words.failed;
        status.className = "cn-status cn-error";
        button.disabled = false;
      });
    });
  }

  function start(script) {
    if (script.dataset.cocreateReady) return;
    script.dataset.cocreateReady = "1";
    var base = new URL(script.src, location.href).origin;
    var endpoint = base + "/touchpoint/v1/" + encodeURIComponent(script.dataset.touchpoint || "") + "/";
    var lang = script.dataset.lang || document.documentElement.lang || navigator.language || "en";
    addStylesheet(base);
    fetch(endpoint + "?lang=" + encodeURIComponent(lang), { mode: "cors", credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (words) { if (words) render(script, endpoint, words); })
      .catch(function () { /* an unknown or revoked key, or another origin: show nothing */ });
  }

  document.querySelectorAll("script[data-touchpoint]").forEach(start);
})();
