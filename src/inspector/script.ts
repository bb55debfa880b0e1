/**
 * The inspector's own script, served as `/inspector/app.js` (plain ES2020, no build step, no
 * dependency): it keeps the admin token in `sessionStorage`, sends it as a bearer token to the
 * documented admin routes, and fills the panels. No cookies, so no CSRF surface.
 */
export const INSPECTOR_JS = String.raw`(function () {
  "use strict";
  var KEY = "durable-cluster.inspector.token";
  function $(id) { return document.getElementById(id); }
  function api(path, method) {
    return fetch(path, { method: method || "GET", headers: { authorization: "Bearer " + (sessionStorage.getItem(KEY) || "") } }).then(function (res) {
      return res.json().catch(function () { return null; }).then(function (body) {
        if (res.ok) return body;
        var err = new Error(res.status + " " + ((body && body.title) || res.statusText) + ((body && body.detail) ? ": " + body.detail : ""));
        err.status = res.status;
        throw err;
      });
    });
  }
  function cell(row, value) { var td = document.createElement("td"); td.textContent = String(value); row.appendChild(td); }
  function fill(table, rows) {
    var body = table.querySelector("tbody");
    body.replaceChildren();
    rows.forEach(function (values) { var tr = document.createElement("tr"); values.forEach(function (v) { cell(tr, v); }); body.appendChild(tr); });
  }
  function signedIn(on) {
    $("signin").hidden = on;
    $("app").hidden = !on;
    $("signout").hidden = !on;
  }
  function loadOverview() {
    return Promise.all([
      api("/v1/cluster").then(function (info) {
        fill($("types"), info.entityTypes.map(function (t) { return [t.type, t.shards, t.messages.join(", ")]; }));
        var select = $("entity-type");
        select.replaceChildren();
        info.entityTypes.forEach(function (t) { var o = document.createElement("option"); o.value = t.type; o.textContent = t.type; select.appendChild(o); });
      }),
      fetch("/health").then(function (res) { return res.json(); }).then(function (h) { $("health").textContent = h.status; }),
      api("/v1/realtime/gateways").then(function (g) { fill($("gateways"), g.gateways.map(function (x) { return [x.name, x.sockets, x.sseStreams, x.topics]; })); }),
      api("/v1/sagas?limit=20").then(function (page) { fill($("sagas"), page.items.map(function (s) { return [s.instanceId, s.saga, s.status, new Date(s.createdAt).toISOString()]; })); }),
    ]);
  }
  function start() {
    $("signin-error").textContent = "";
    return loadOverview().then(function () { signedIn(true); }, function (err) {
      if (err.status === 401) sessionStorage.removeItem(KEY);
      signedIn(false);
      $("signin-error").textContent = err.message;
    });
  }
  $("signin-form").addEventListener("submit", function (e) {
    e.preventDefault();
    sessionStorage.setItem(KEY, $("token").value);
    $("token").value = "";
    start();
  });
  $("signout").addEventListener("click", function () { sessionStorage.removeItem(KEY); signedIn(false); $("token").focus(); });
  $("entity-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var path = "/v1/entities/" + encodeURIComponent($("entity-type").value) + "/" + encodeURIComponent($("entity-key").value) + "/_state";
    $("entity-error").textContent = "";
    api(path).then(function (s) {
      $("entity").hidden = false;
      $("entity-shard").textContent = s.objectName + " (" + s.objectId + ")";
      $("entity-version").textContent = String(s.version);
      $("entity-inbox").textContent = s.inbox.pending + " pending, " + s.inbox.running + " running, " + s.inbox.failed + " failed";
      $("entity-dedup").textContent = String(s.dedupRecords);
      $("entity-state").textContent = JSON.stringify(s.state, null, 2);
      fill($("entity-recent"), s.recent.map(function (r) { return [r.messageId, r.message, r.at]; }));
    }, function (err) { $("entity").hidden = true; $("entity-error").textContent = err.message; });
  });
  function taskPath(name, id) { return "/v1/singletons/" + encodeURIComponent(name) + "/tasks/" + encodeURIComponent(id); }
  function showRuns(name, id) {
    return api(taskPath(name, id) + "/runs").then(function (r) {
      $("runs-caption").textContent = "Runs of " + id;
      fill($("runs"), r.runs.map(function (x) { return [x.tickId, x.status, x.attempts, x.startedAt || "", x.error || ""]; }));
    });
  }
  function action(label, run) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", function () { $("tasks-error").textContent = ""; run().catch(function (err) { $("tasks-error").textContent = err.message; }); });
    return b;
  }
  function loadTasks() {
    var name = $("singleton").value;
    $("tasks-error").textContent = "";
    return api("/v1/singletons/" + encodeURIComponent(name) + "/tasks").then(function (r) {
      fill($("tasks"), r.tasks.map(function (t) {
        var s = t.schedule;
        return [t.id, s.cron ? s.cron + (s.tz ? " " + s.tz : "") : s.every ? "every " + s.every : JSON.stringify(s), t.nextRunAt || "", t.paused ? "yes" : "no", t.lastRun ? t.lastRun.status : ""];
      }));
      var rows = $("tasks").querySelectorAll("tbody tr");
      r.tasks.forEach(function (t, i) {
        var td = document.createElement("td");
        td.appendChild(action("Runs of " + t.id, function () { return showRuns(name, t.id); }));
        td.appendChild(action((t.paused ? "Resume " : "Pause ") + t.id, function () { return api(taskPath(name, t.id) + (t.paused ? "/resume" : "/pause"), "POST").then(loadTasks); }));
        td.appendChild(action("Trigger " + t.id, function () { return api(taskPath(name, t.id) + "/trigger", "POST").then(function () { return Promise.all([loadTasks(), showRuns(name, t.id)]); }); }));
        rows[i].appendChild(td);
      });
    }, function (err) { fill($("tasks"), []); $("tasks-error").textContent = err.message; });
  }
  $("tasks-form").addEventListener("submit", function (e) { e.preventDefault(); loadTasks(); });
  if (sessionStorage.getItem(KEY)) start(); else signedIn(false);
})();
`;
