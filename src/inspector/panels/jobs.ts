import type { InspectorPanel } from "../panel.ts";
import { JobStatusSchema } from "../../spec/index.ts";

const STATUSES = JobStatusSchema.options;

/** Jobs by status and type, their counts, and retry, cancel and a job's attempts. */
export const jobsPanel: InspectorPanel = {
  id: "jobs",
  title: "Jobs",
  html: `<table id="jobs-counts"><caption>Jobs by status</caption><thead><tr>${STATUSES.map((s) => `<th scope="col">${s}</th>`).join("")}</tr></thead><tbody></tbody></table>
<form id="jobs-form">
  <label for="jobs-status">Job status</label> <select id="jobs-status" name="status"><option value="">any</option>${STATUSES.map((s) => `<option>${s}</option>`).join("")}</select>
  <label for="jobs-type">Job type</label> <input id="jobs-type" name="type" placeholder="demo.echo">
  <button type="submit">Show jobs</button>
</form>
<p id="jobs-error" role="alert"></p>
<table id="jobs"><caption>Jobs, oldest first</caption><thead><tr><th scope="col">Id</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Updated, next run</th><th scope="col">Last error</th><th scope="col">Actions</th></tr></thead><tbody></tbody></table>
<button id="jobs-more" type="button" hidden>More jobs</button>
<div id="jobs-attempts" hidden>
  <h3 id="jobs-attempts-title"></h3>
  <dl><dt>Status</dt><dd id="jobs-attempts-status"></dd><dt>Attempts</dt><dd id="jobs-attempts-count"></dd><dt>Latest attempt started</dt><dd id="jobs-attempts-started"></dd><dt>Finished</dt><dd id="jobs-attempts-finished"></dd><dt>Last error</dt><dd id="jobs-attempts-error"></dd></dl>
  <table id="jobs-history"><caption>Attempts, newest first</caption><thead><tr><th scope="col">Attempt</th><th scope="col">Ended</th><th scope="col">Started</th><th scope="col">Finished</th><th scope="col">Error</th></tr></thead><tbody></tbody></table>
</div>`,
  js: String.raw`
  var items = [], next = null, errors = $("jobs-error"), last = 0, fresh = latest(), query = "";
  function jobPath(id) { return "/v1/jobs/" + encodeURIComponent(id); }
  function loadCounts() {
    return api("/v1/jobs/stats").then(function (s) {
      var row = [];
      $("jobs-counts").querySelectorAll("thead th").forEach(function (th) { row.push(s.byStatus[th.textContent] || 0); });
      fill($("jobs-counts"), [row]);
    });
  }
  function showAttempts(id) {
    return api(jobPath(id)).then(function (j) {
      $("jobs-attempts").hidden = false;
      $("jobs-attempts-title").textContent = "Attempts of " + j.id + " (" + j.type + ")";
      $("jobs-attempts-status").textContent = j.status;
      $("jobs-attempts-count").textContent = j.attempts + " of at most " + j.maxAttempts;
      $("jobs-attempts-started").textContent = time(j.startedAt) || "never";
      $("jobs-attempts-finished").textContent = time(j.finishedAt) || "not finished";
      $("jobs-attempts-error").textContent = j.lastError || "none";
      fill($("jobs-history"), j.history.map(function (a) { return [a.attempt, a.outcome, time(a.startedAt), time(a.finishedAt), a.error || ""]; }));
    });
  }
  // After a retry or cancel the row shows the job as the route answered it, so it stays in view whatever the filter.
  function act(path, method) {
    return api(path, method).then(function (j) {
      items = items.map(function (x) { return x.id === j.id ? j : x; });
      render();
      return loadCounts();
    });
  }
  function render() {
    fill($("jobs"), items.map(function (j) {
      var waiting = j.status === "pending" || j.status === "failed";
      return [j.id, j.type, j.status, j.attempts + " of " + j.maxAttempts, time(j.updatedAt) + (waiting ? "; next run " + time(j.runAt) : ""), j.lastError || ""];
    }));
    var rows = $("jobs").querySelectorAll("tbody tr");
    items.forEach(function (j, i) {
      var td = document.createElement("td");
      td.appendChild(button("Attempts of " + j.id, function () { return showAttempts(j.id); }, errors));
      if (["dead", "failed", "cancelled"].indexOf(j.status) >= 0) td.appendChild(button("Retry " + j.id, function () { return act(jobPath(j.id) + "/retry", "POST"); }, errors));
      if (j.status === "pending" || j.status === "failed") td.appendChild(button("Cancel " + j.id, function () { return act(jobPath(j.id), "DELETE"); }, errors));
      rows[i].appendChild(td);
    });
    $("jobs-more").hidden = next === null;
  }
  // The filter of the first page is kept: "More jobs" pages that list, whatever the form says since.
  function load(more) {
    if (!more) {
      var status = $("jobs-status").value, type = $("jobs-type").value.trim();
      query = "?limit=50" + (status ? "&status=" + encodeURIComponent(status) : "") + (type ? "&type=" + encodeURIComponent(type) : "");
    }
    var q = query + (more && next ? "&cursor=" + encodeURIComponent(next) : "");
    // Only the latest request fills the table: an earlier, slower one (say the sign-in's, unfiltered) is dropped.
    return fresh(api("/v1/jobs" + q)).then(function (page) { if (!page) return; items = more ? items.concat(page.items) : page.items; next = page.nextCursor; render(); });
  }
  function refresh() { errors.textContent = ""; return Promise.all([load(false), loadCounts()]); }
  $("jobs-form").addEventListener("submit", function (e) { e.preventDefault(); refresh().catch(function (err) { errors.textContent = err.message; }); });
  $("jobs-more").addEventListener("click", function () { load(true).catch(function (err) { errors.textContent = err.message; }); });
  onSignIn(refresh);
  onActivity(function () {
    if (Date.now() - last < 5000 || !onScreen($("jobs-counts"))) return;
    last = Date.now();
    loadCounts().catch(function (err) { errors.textContent = err.message; });
  });
`,
};
