// Suara web app: small progressive enhancements, no third-party code besides plotly.js.
// Tables with data-poll refresh from the JSON API without a page reload.
(function () {
  function esc(v) {
    return String(v == null ? "" : v).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function renderAlerts(table, tbody, items, canCase, csrf) {
    var label = table.getAttribute("data-case-label") || "case";
    var labels = {};
    try { labels = JSON.parse(table.getAttribute("data-labels") || "{}"); } catch (e) { labels = {}; }
    function lab(v) { return v == null ? "" : (labels["enum_" + v] || v); }
    tbody.innerHTML = items.map(function (a) {
      var btn = canCase ? '<form method="post" action="/radar/' + encodeURIComponent(a.alert_id) +
        '/case" class="inline"><input type="hidden" name="csrf" value="' + esc(csrf) + '"><button>' + esc(label) + "</button></form>" : "";
      return '<tr data-id="' + esc(a.alert_id) + '"><td>' + esc(a.detected_local) + "</td><td>" + esc(lab(a.type)) +
        '</td><td class="sev-' + esc(a.severity) + '">' + esc(lab(a.severity)) + "</td><td>" + esc(a.candidate) + "</td><td>" + esc(a.issue) +
        '</td><td><a href="/posts?alert=' + encodeURIComponent(a.alert_id || "") + '">' +
        esc(a.posts) + "</a></td><td>" + esc(a.cascade) + '</td><td class="text">' + esc(a.reason_text || a.reason) + "</td><td>" + btn + "</td></tr>";
    }).join("");
    var c = document.getElementById("alert-count");
    if (c) c.textContent = String(items.length);
  }
  function renderJobs(table, tbody, items) {
    var labels = {};
    try { labels = JSON.parse(table.getAttribute("data-labels") || "{}"); } catch (e) { labels = {}; }
    tbody.innerHTML = items.map(function (j) {
      return '<tr><td><a href="/import?job=' + encodeURIComponent(j.job_id || "") + '">' + esc(j.job_id) + "</a></td><td>" +
        esc(labels[j.status] || j.status) + "</td><td>" + esc(j.done) + "/" +
        esc(j.total) + "</td><td>" + esc(j.message) + "</td></tr>";
    }).join("");
  }
  // The import page of a running job reloads once the job is finished, to show its summary.
  function watchJob() {
    var s = document.getElementById("import-summary");
    if (!s || !document.getElementById("import-running")) return;
    var id = s.getAttribute("data-job");
    var timer = setInterval(function () {
      fetch("/api/v1/jobs/" + encodeURIComponent(id), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) {
          if (j && (j.status === "done" || j.status === "failed")) {
            clearInterval(timer);
            setTimeout(function () { window.location.reload(); }, 300);
          }
        }).catch(function () {});
    }, 1000);
  }
  function poll(table) {
    var url = table.getAttribute("data-poll");
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        var tbody = table.querySelector("tbody");
        if (table.id === "alerts") renderAlerts(table, tbody, data.alerts || data, table.getAttribute("data-can-case") === "1", table.getAttribute("data-csrf"));
        if (table.id === "jobs") renderJobs(table, tbody, data.jobs || data);
      }).catch(function () {});
  }
  function menu() {  // phones: the navigation opens and closes behind its menu button
    var b = document.getElementById("menu-button");
    if (!b) return;
    b.addEventListener("click", function () {
      var nav = b.closest("nav");
      var open = !nav.classList.contains("open");
      nav.classList.toggle("open", open);
      b.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // "Jadikan kasus" in the radar inbox: confirm in place, open the case through the API and
  // show its badge in the row without reloading (the form still works without script).
  function caseOpen(form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (form.querySelector(".confirm")) return;
      var btn = form.querySelector("button");
      btn.hidden = true;
      var box = document.createElement("span");
      box.className = "confirm";
      box.innerHTML = esc(form.getAttribute("data-confirm")) + ' <button type="button" class="yes">' +
        esc(form.getAttribute("data-yes")) + '</button> <button type="button" class="no">' +
        esc(form.getAttribute("data-cancel")) + "</button>";
      form.appendChild(box);
      box.querySelector(".no").addEventListener("click", function () { box.remove(); btn.hidden = false; });
      box.querySelector(".yes").addEventListener("click", function () {
        var id = decodeURIComponent(form.getAttribute("action").split("/")[2]);
        var csrf = form.querySelector("input[name=csrf]").value;
        fetch("/api/v1/alerts/" + encodeURIComponent(id) + "/case", {method: "POST", credentials: "same-origin",
          headers: {"Accept": "application/json", "X-CSRF-Token": csrf}})
          .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
          .then(function (c) {
            var row = form.closest("tr");
            var cell = row && row.querySelector(".case-cell");
            var link = '<a class="badge case-' + esc(c.status) + '" href="/cases/' + encodeURIComponent(c.case_id) + '">' +
              esc(form.getAttribute("data-done")) + " · " + esc(c.case_id) + "</a>";
            if (cell) { cell.innerHTML = link; form.remove(); } else { form.outerHTML = link; }
          })
          .catch(function () { form.submit(); });
      });
    });
  }
  // A chart's bar or point whose customdata is a posts link opens the posts it counts.
  function clickable(gd) {
    if (gd.__suaraClick || typeof gd.on !== "function") return;
    gd.__suaraClick = true;
    gd.on("plotly_click", function (ev) {
      var p = ev && ev.points && ev.points[0];
      var href = p && (Array.isArray(p.customdata) ? p.customdata[0] : p.customdata);
      if (typeof href === "string" && href.indexOf("/posts?") === 0) window.location.href = href;
    });
  }
  function charts() { document.querySelectorAll(".js-plotly-plot").forEach(clickable); }
  window.addEventListener("load", charts);
  document.addEventListener("DOMContentLoaded", function () {
    menu();
    document.querySelectorAll("form.case-make").forEach(caseOpen);
    charts();
    watchJob();
    document.querySelectorAll("table[data-poll]").forEach(function (t) {
      setInterval(function () { poll(t); }, t.id === "jobs" ? 1500 : 5000);
    });
  });
})();
