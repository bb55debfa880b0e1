import { tableBody as th, type InspectorPanel } from "../panel.ts";

/** The gateways' load, a user's sockets and SSE streams, and a test message to a user or a topic. */
export const realtimePanel: InspectorPanel = {
  id: "realtime",
  title: "Realtime",
  html: `<table id="realtime-gateways"><caption>Gateways</caption>${th(["Gateway", "Sockets", "SSE streams", "Topics", "Users following topics", "Last seq"])}</table>
<button id="realtime-refresh" type="button">Refresh gateways</button>
<form id="realtime-user-form">
  <label for="realtime-user">User id</label> <input id="realtime-user" name="user" required>
  <button type="submit">Show connections</button>
</form>
<p id="realtime-error" role="alert"></p>
<p id="realtime-summary" role="status"></p>
<table id="realtime-connections"><caption>Connections</caption>${th(["Kind", "Connected", "Gateway", "Tenant", "Topics"])}</table>
<form id="realtime-send-form">
  <fieldset><legend>Send a test message</legend>
  <label for="realtime-to">To</label> <select id="realtime-to" name="to"><option value="user">a user</option><option value="topic">a topic</option></select>
  <label for="realtime-target">User id or topic</label> <input id="realtime-target" name="target" required>
  <label for="realtime-tenant">Tenant (optional)</label> <input id="realtime-tenant" name="tenant">
  <label for="realtime-data">Message (JSON)</label> <input id="realtime-data" name="data" required value='{"hello":"from the inspector"}'>
  <button type="submit">Send test message</button>
  </fieldset>
</form>
<p id="realtime-send-error" role="alert"></p>
<p id="realtime-sent" role="status"></p>`,
  js: String.raw`
  function gateways() {
    return api("/v1/realtime/gateways").then(function (g) {
      fill($("realtime-gateways"), g.gateways.map(function (x) { return [x.name, x.sockets, x.sseStreams, x.topics, x.subscribedUsers, x.seq]; }));
    });
  }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function showConnections() {
    var user = $("realtime-user").value;
    $("realtime-error").textContent = "";
    return api("/v1/users/" + encodeURIComponent(user) + "/connections").then(function (c) {
      $("realtime-summary").textContent = user + " on " + c.gateway + ": " + plural(c.sockets.length, "socket") + ", " + plural(c.sseStreams.length, "SSE stream");
      var topics = function (t) { return t.length ? t.join(", ") : "none"; };
      fill($("realtime-connections"), c.sockets.map(function (s) { return ["WebSocket (" + s.protocol + ")", time(s.connectedAt), c.gateway, s.tenant || "none", topics(s.topics)]; })
        .concat(c.sseStreams.map(function (s) { return ["SSE stream" + (s.userMessages ? " (user's messages)" : ""), time(s.connectedAt), c.gateway, s.tenant || "none", topics(s.topics)]; })));
    }).catch(function (err) {
      fill($("realtime-connections"), []);
      $("realtime-summary").textContent = "";
      $("realtime-error").textContent = err.status === 404 ? user + " has no connections: nobody on its gateway ever connected" : err.message;
    });
  }
  function send() {
    var to = $("realtime-to").value, target = $("realtime-target").value, tenant = $("realtime-tenant").value, body;
    $("realtime-send-error").textContent = "";
    $("realtime-sent").textContent = "";
    try { body = { data: JSON.parse($("realtime-data").value) }; } catch (err) { $("realtime-send-error").textContent = "the message is not JSON: " + err.message; return; }
    if (tenant) body.tenant = tenant;
    api("/v1/" + (to === "user" ? "users/" : "topics/") + encodeURIComponent(target) + "/messages", "POST", body).then(function (d) {
      $("realtime-sent").textContent = "Sent to " + to + " " + target + ": reached " + plural(d.delivered, "socket or stream") + (d.gateways ? " over " + plural(d.gateways, "gateway") : "") + (d.failedGateways ? "; failed gateways: " + d.failedGateways.join(", ") : "");
    }).catch(function (err) { $("realtime-send-error").textContent = err.message; });
  }
  $("realtime-refresh").addEventListener("click", function () { gateways().catch(function (err) { $("realtime-error").textContent = err.message; }); });
  $("realtime-user-form").addEventListener("submit", function (e) { e.preventDefault(); showConnections(); });
  $("realtime-send-form").addEventListener("submit", function (e) { e.preventDefault(); send(); });
  onSignIn(gateways);
`,
};
