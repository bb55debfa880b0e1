import { tableBody, type InspectorPanel } from "../panel.ts";
import { CHART_JS } from "./chart.ts";

const table = (id: string, caption: string, heads: readonly string[]) => `<table id="${id}"><caption>${caption}</caption>${tableBody(heads)}</table>`;

/**
 * Health, the chart of the last 15 minutes, entity types with their active shards and messages in
 * the last minute, errors by code, events by type, the outbox backlog, stuck streams, dead letters,
 * jobs by status, gateways and tenants. Counters follow the activity stream (each second); the
 * lists read their routes again at most every 10 seconds.
 */
export const overviewPanel: InspectorPanel = {
  id: "overview",
  title: "Overview",
  html: `<p>Health: <strong id="health">…</strong> · Updated <span id="overview-at">never</span></p>
<figure id="overview-chart-box"><figcaption id="overview-chart-caption">Messages and errors per second, last 15 minutes</figcaption><svg id="overview-chart" role="img" aria-labelledby="overview-chart-caption overview-now" viewBox="0 0 640 150" width="640" height="150"></svg>
<p id="overview-now">No activity yet</p><p class="legend">Solid line: messages/s. Dashed line: errors/s.</p></figure>
<dl class="counts"><dt>Messages, last 15 minutes</dt><dd id="overview-total">0</dd><dt>Messages, last minute</dt><dd id="overview-messages">0</dd><dt>Errors, last minute</dt><dd id="overview-errors">0</dd><dt>Active shards, last minute</dt><dd id="overview-active">0</dd><dt>Outbox backlog</dt><dd id="overview-outbox">0</dd><dt>Stuck ordered streams</dt><dd id="overview-stuck">0</dd><dt>Dead letters</dt><dd id="overview-dead">0</dd></dl>
${table("types", "Entity types", ["Type", "Shards", "Active shards (last minute)", "Messages (last minute)", "Messages it takes"])}
${table("overview-codes", "Errors in the last minute, by code", ["Code", "Count"])}
${table("overview-events", "Events emitted in the last minute, by type", ["Event type", "Count"])}
${table("overview-jobs", "Jobs by status", ["Status", "Jobs"])}
${table("gateways", "Socket gateways", ["Gateway", "Sockets", "SSE streams", "Topics"])}
${table("overview-tenants", "Tenants by state", ["State", "Tenants"])}`,
  js: String.raw`
  var types = [], lastSlow = 0, snap = null;
  ${CHART_JS}
  function renderTypes() {
    var by = {};
    if (snap) snap.lastMinute.byType.forEach(function (t) { by[t.type] = t; });
    fill($("types"), types.map(function (t) { var a = by[t.type] || { activeShards: 0, messages: 0 }; return [t.type, t.shards, a.activeShards, num(a.messages), t.messages.join(", ")]; }));
  }
  function slow() {
    lastSlow = Date.now();
    return Promise.all([
      fetch("/health").then(function (res) { return res.json(); }).then(function (h) { $("health").textContent = h.status; }),
      api("/v1/realtime/gateways").then(function (g) { fill($("gateways"), g.gateways.map(function (x) { return [x.name, x.sockets, x.sseStreams, x.topics]; })); }),
      api("/v1/events/streams").then(function (s) { $("overview-stuck").textContent = num(s.items.length); }),
      api("/v1/events/dead?limit=100").then(function (d) { $("overview-dead").textContent = num(d.items.length) + (d.nextCursor ? "+" : ""); }),
      api("/v1/jobs/stats").then(function (j) { fill($("overview-jobs"), Object.keys(j.byStatus).map(function (k) { return [k, num(j.byStatus[k])]; })); }),
      api("/v1/tenants?limit=200").then(function (t) {
        var by = {};
        t.items.forEach(function (x) { by[x.provisioningStatus] = (by[x.provisioningStatus] || 0) + 1; });
        fill($("overview-tenants"), Object.keys(by).map(function (k) { return [k, num(by[k]) + (t.nextCursor ? " (first 200 tenants)" : "")]; }));
      }),
    ]);
  }
  onSignIn(function (info) {
    types = info.entityTypes;
    renderTypes();
    var select = $("entity-type");
    select.replaceChildren();
    info.entityTypes.forEach(function (t) { var o = document.createElement("option"); o.value = t.type; o.textContent = t.type; select.appendChild(o); });
    return slow();
  });
  onActivity(function (s) {
    snap = s;
    var m = s.lastMinute;
    $("overview-at").textContent = time(s.at);
    $("overview-messages").textContent = num(m.messages);
    $("overview-total").textContent = num(Math.round(s.series.reduce(function (sum, p) { return sum + p.messagesPerSecond * s.bucketMs / 1000; }, 0)));
    $("overview-errors").textContent = num(m.errors);
    $("overview-active").textContent = num(m.activeShards);
    $("overview-outbox").textContent = num(s.outbox.owed) + " events owed by " + num(s.outbox.shards) + " shards";
    fill($("overview-codes"), m.errorsByCode.map(function (e) { return [e.code, num(e.count)]; }));
    fill($("overview-events"), m.events.map(function (e) { return [e.type, num(e.count)]; }));
    renderTypes();
    chart($("overview-chart"), s.series);
    $("overview-now").textContent = "Last minute: " + (m.messages / 60).toFixed(1) + " messages/s, " + (m.errors / 60).toFixed(1) + " errors/s";
    if (Date.now() - lastSlow >= 10000 && onScreen($("panel-overview"))) slow().catch(function () {});
  });
`,
};
