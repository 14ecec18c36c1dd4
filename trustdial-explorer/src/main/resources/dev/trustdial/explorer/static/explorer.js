// TrustDial explorer: progressive enhancement only. Every page works without this file.
"use strict";
(function () {
  // "verify availability" without leaving the page: POST to the JSON twin of the form's action.
  document.querySelectorAll("form.verify").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var out = form.querySelector(".verify-out");
      out.textContent = " checking…";
      out.className = "verify-out";
      fetch(form.dataset.api, { method: "POST" })
        .then(function (r) { return r.json(); })
        .then(function (v) {
          if (v.available) {
            out.textContent = " available: " + v.bytes + " bytes, KZG-checked, " + v.millis + " ms";
            out.className = "verify-out good";
          } else {
            out.textContent = " unavailable: " + (v.error || "unknown");
            out.className = "verify-out bad";
          }
          out.dataset.ok = String(!!v.available);
        })
        .catch(function (e) { out.textContent = " request failed: " + e; out.className = "verify-out bad"; });
    });
  });
  // Live counters on the overview: refresh the cards from the JSON API every few seconds.
  var live = document.getElementById("live");
  if (live) {
    setInterval(function () {
      fetch(live.dataset.live).then(function (r) { return r.json(); }).then(function (o) {
        var values = { nextBlock: Math.max(0, o.nextBlock - 1), events: o.events, jobs: o.jobs };
        Object.keys(o.jobsByStatus || {}).forEach(function (k) { values["status-" + k] = o.jobsByStatus[k]; });
        live.querySelectorAll("[data-key]").forEach(function (el) {
          if (values[el.dataset.key] !== undefined) { el.textContent = String(values[el.dataset.key]); }
        });
      }).catch(function () { /* the next tick retries */ });
    }, 5000);
  }
})();
