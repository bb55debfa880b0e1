import { tableBody, type InspectorPanel } from "../panel.ts";

const cols = (...names: string[]) => tableBody(names);

/**
 * The tenant registry (paged), and one tenant opened: its usage against its quota as bars with the
 * numbers as text, its deployments (newest first, paged) with a chosen one's diff and migration
 * plan, its installed apps, its webhook endpoints and an endpoint's deliveries with replay.
 */
export const tenantsPanel: InspectorPanel = {
  id: "tenants",
  title: "Tenants",
  html: `<table id="tenants"><caption>Tenants</caption>${cols("Tenant", "Name", "Plan", "State", "Actions")}</table>
<button id="tenants-more" type="button" hidden>More tenants</button>
<p id="tenants-error" role="alert"></p>
<div id="tenants-detail" hidden>
<h3 id="tenants-name"></h3>
<table id="tenants-usage"><caption>Usage against quota</caption>${cols("Quota", "Level", "Used")}</table>
<table id="tenants-deployments"><caption>Deployments, newest first</caption>${cols("Deployment", "Owner", "Version", "Status", "Created", "Actions")}</table>
<button id="tenants-deps-more" type="button" hidden>More deployments</button>
<div id="tenants-dep" hidden><h4 id="tenants-dep-title"></h4><h5>Diff</h5><ul id="tenants-diff"></ul><h5>Migration plan</h5><pre id="tenants-plan" tabindex="0" aria-label="Migration plan"></pre></div>
<table id="tenants-apps"><caption>Installed apps</caption>${cols("App", "Version", "Objects", "Updated")}</table>
<table id="tenants-webhooks"><caption>Webhooks</caption>${cols("Endpoint", "URL", "Events", "State", "Actions")}</table>
<table id="tenants-deliveries"><caption id="tenants-deliveries-caption">Deliveries</caption>${cols("Delivery", "Event", "Status", "Attempts", "Last attempt", "Actions")}</table>
</div>`,
  js: String.raw`
  var T = "", errors = $("tenants-error");
  function tp(p) { return "/v1/tenants/" + encodeURIComponent(T) + p; }
  // A read of the open tenant: its answer is dropped (never settles) if another tenant was opened meanwhile.
  function ofT(path) { var t = T; return api(tp(path)).then(function (v) { return t === T ? v : new Promise(function () {}); }); }
  function soft(p) { return p.catch(function (e) { errors.textContent += e.message + " "; }); }
  function pager(table, more, path, row) {
    var items = [], cursor = null;
    function load(reset) {
      if (reset) { items = []; cursor = null; fill(table, []); }
      return path(cursor ? "&cursor=" + encodeURIComponent(cursor) : "").then(function (p) {
        items = items.concat(p.items); cursor = p.nextCursor; more.hidden = !cursor;
        fill(table, items.map(row));
      });
    }
    more.addEventListener("click", function () { errors.textContent = ""; soft(load(false)); });
    return load;
  }
  var tenants = pager($("tenants"), $("tenants-more"), function (c) { return api("/v1/tenants?limit=50" + c); }, function (t) {
    return [t.id, t.name, t.plan, t.provisioningStatus, button("Open " + t.id, function () { return open(t); }, errors)];
  });
  var deployments = pager($("tenants-deployments"), $("tenants-deps-more"), function (c) { return ofT("/deployments?limit=20" + c); }, function (d) {
    return [d.id, d.owner, d.version, d.status + (d.error ? " (" + d.error.code + ")" : ""), time(d.createdAt), button("Show " + d.id, function () { return deployment(d.id); }, errors)];
  });
  function bar(label, value, max, unit) {
    var l = el("label", label), m = el("meter");
    l.htmlFor = m.id = "tenants-u" + label.replace(/\W/g, "-");
    m.min = 0; m.max = max; m.value = value;
    return [l, m, num(value) + " / " + num(max) + (unit || "") + (max ? " (" + Math.round(100 * value / max) + "%)" : "")];
  }
  function usage() {
    return ofT("/usage").then(function (u) {
      var q = u.quota;
      fill($("tenants-usage"), [bar("objects", u.objects, q.maxObjects)].concat(Object.keys(u.records).map(function (o) { return bar("records of " + o, u.records[o], q.maxRecordsPerObject); }),
        [bar("deployments today", u.deploymentsToday, q.maxDeploymentsPerDay), bar("storage", u.storageBytes, q.maxStorageBytes, " bytes")]));
    });
  }
  function names(list) { return list.map(function (f) { return f.name; }).join(", "); }
  function deployment(id) {
    return ofT("/deployments/" + encodeURIComponent(id)).then(function (d) {
      var ul = $("tenants-diff"), x = d.diff;
      function li(t) { ul.appendChild(el("li", t)); }
      $("tenants-dep").hidden = false;
      $("tenants-dep-title").textContent = "Deployment " + d.id + ": " + d.status + ", version " + d.version + (d.error ? ", failed at " + d.error.stage + ": " + d.error.message : "");
      ul.replaceChildren();
      d.validation.errors.forEach(function (e) { li("Invalid " + e.path + ": " + e.message); });
      if (x && x.empty) li("No changes");
      if (x) {
        x.objectsAdded.forEach(function (o) { li("Added object " + o.name + " (fields " + names(o.fields) + ")"); });
        x.objectsModified.forEach(function (o) {
          li("Changed object " + o.name + ": fields added [" + names(o.fieldsAdded) + "], changed [" + o.fieldsModified.map(function (f) { return f.name + " (" + f.changes.join(", ") + ")"; }).join(", ") + "], removed [" + names(o.fieldsRemoved) + "]");
        });
        x.objectsRemoved.forEach(function (o) { li("Removed object " + o.name); });
        x.otherChanged.forEach(function (s) { li("Changed " + s); });
      }
      $("tenants-plan").textContent = d.plan && d.plan.statements.length ? d.plan.statements.map(function (s) { return "-- " + s.reason + (s.destructive ? " (destructive)" : "") + "\n" + s.sql + ";"; }).join("\n\n") : "No statements";
    });
  }
  function hooks() {
    return ofT("/webhooks").then(function (r) {
      fill($("tenants-webhooks"), r.items.map(function (w) {
        return [w.id, w.url, w.events.join(", "), w.disabled ? "disabled (" + w.disabledReason + ")" : "enabled", button("Deliveries of " + w.id, function () { return deliveries(w.id); }, errors)];
      }));
    });
  }
  function deliveries(ep) {
    var path = tp("/webhooks/" + encodeURIComponent(ep) + "/deliveries");
    return ofT("/webhooks/" + encodeURIComponent(ep) + "/deliveries?limit=20").then(function (r) {
      $("tenants-deliveries-caption").textContent = "Deliveries of " + ep;
      fill($("tenants-deliveries"), r.items.map(function (d) {
        var a = d.attempts[d.attempts.length - 1];
        return [d.id, d.eventType, d.status, d.attempts.length, a ? (a.statusCode === null ? a.error : "HTTP " + a.statusCode) + " at " + time(a.at) + (a.replay ? " (replay)" : "") : "",
          button("Replay " + d.id, function () { return api(path + "/" + encodeURIComponent(d.id) + "/replay", "POST").then(function () { return deliveries(ep); }); }, errors)];
      }));
    });
  }
  function open(t) {
    T = t.id;
    errors.textContent = "";
    $("tenants-detail").hidden = false;
    $("tenants-dep").hidden = true;
    $("tenants-name").textContent = "Tenant " + t.id + " (" + t.provisioningStatus + ", plan " + t.plan + ")";
    ["tenants-usage", "tenants-apps", "tenants-webhooks", "tenants-deliveries"].forEach(function (id) { fill($(id), []); });
    return Promise.all([soft(usage()), soft(deployments(true)), soft(ofT("/apps").then(function (r) {
      fill($("tenants-apps"), r.items.map(function (a) { return [a.name, a.version, a.objects.join(", "), time(a.updatedAt)]; }));
    })), soft(hooks())]);
  }
  onSignIn(function () { return tenants(true); });
`,
};
