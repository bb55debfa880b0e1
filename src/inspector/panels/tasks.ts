import type { InspectorPanel } from "../panel.ts";

/** A singleton's tasks with their runs, and pause, resume and trigger; the services the app declares. */
export const tasksPanel: InspectorPanel = {
  id: "tasks",
  title: "Tasks",
  html: `<form id="tasks-form">
  <label for="singleton">Singleton</label> <input id="singleton" name="singleton" value="default" required>
  <button type="submit">Show tasks</button>
</form>
<p id="tasks-error" role="alert"></p>
<table id="tasks"><caption>Tasks</caption><thead><tr><th scope="col">Task</th><th scope="col">Schedule</th><th scope="col">Next run</th><th scope="col">Paused</th><th scope="col">Last run</th><th scope="col">Actions</th></tr></thead><tbody></tbody></table>
<table id="runs"><caption id="runs-caption">Runs</caption><thead><tr><th scope="col">Tick</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Started</th><th scope="col">Error</th></tr></thead><tbody></tbody></table>
<table id="services"><caption>Services</caption><thead><tr><th scope="col">Service</th><th scope="col">Scope</th><th scope="col">Leader strategy</th></tr></thead><tbody></tbody></table>`,
  js: String.raw`
  function taskPath(name, id) { return "/v1/singletons/" + encodeURIComponent(name) + "/tasks/" + encodeURIComponent(id); }
  var shown = null, lastLive = 0, singleton = null;
  function showRuns(name, id) {
    shown = { name: name, id: id };
    return api(taskPath(name, id) + "/runs").then(function (r) {
      $("runs-caption").textContent = "Runs of " + id;
      fill($("runs"), r.runs.map(function (x) { return [x.tickId, x.status, x.attempts, x.startedAt || "", x.error || ""]; }));
    });
  }
  // The singleton last asked for: the live refresh reads it again, not what is being typed.
  function loadTasks(name, live) {
    var errors = $("tasks-error");
    singleton = name;
    if (!live) errors.textContent = "";
    return api("/v1/singletons/" + encodeURIComponent(name) + "/tasks").then(function (r) {
      fill($("tasks"), r.tasks.map(function (t) {
        var s = t.schedule;
        return [t.id, s.cron ? s.cron + (s.tz ? " " + s.tz : "") : s.every ? "every " + s.every : JSON.stringify(s), t.nextRunAt || "", t.paused ? "yes" : "no", t.lastRun ? t.lastRun.status : ""];
      }));
      var rows = $("tasks").querySelectorAll("tbody tr");
      r.tasks.forEach(function (t, i) {
        var td = document.createElement("td");
        td.appendChild(button("Runs of " + t.id, function () { return showRuns(name, t.id); }, errors));
        td.appendChild(button((t.paused ? "Resume " : "Pause ") + t.id, function () { return api(taskPath(name, t.id) + (t.paused ? "/resume" : "/pause"), "POST").then(function () { return loadTasks(name); }); }, errors));
        td.appendChild(button("Trigger " + t.id, function () { return api(taskPath(name, t.id) + "/trigger", "POST").then(function () { return Promise.all([loadTasks(name), showRuns(name, t.id)]); }); }, errors));
        rows[i].appendChild(td);
      });
    }).catch(function (err) { if (!live) fill($("tasks"), []); errors.textContent = err.message; });
  }
  $("tasks-form").addEventListener("submit", function (e) { e.preventDefault(); loadTasks($("singleton").value); });
  // Live: the tasks shown and the runs open follow the activity stream, read again at most every 5 s
  // (not while a row's button has the focus: the rows would be rebuilt under it).
  onActivity(function () {
    if (Date.now() - lastLive < 5000 || singleton === null || !onScreen($("panel-tasks")) || focused($("tasks")) || focused($("runs"))) return;
    lastLive = Date.now();
    Promise.all([loadTasks(singleton, true), shown ? showRuns(shown.name, shown.id) : null]).catch(function (err) { $("tasks-error").textContent = err.message; });
  });
  onSignIn(function (info) { fill($("services"), info.services.map(function (s) { return [s.name, s.clusterScope, s.leaderStrategy || "none"]; })); });
`,
};
