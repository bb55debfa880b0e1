import type { InspectorPanel } from "../panel.ts";

/** Health, entity types and the socket gateways. */
export const overviewPanel: InspectorPanel = {
  id: "overview",
  title: "Overview",
  html: `<p>Health: <strong id="health">…</strong></p>
<table id="types"><caption>Entity types</caption><thead><tr><th scope="col">Type</th><th scope="col">Shards</th><th scope="col">Messages</th></tr></thead><tbody></tbody></table>
<table id="gateways"><caption>Socket gateways</caption><thead><tr><th scope="col">Gateway</th><th scope="col">Sockets</th><th scope="col">SSE streams</th><th scope="col">Topics</th></tr></thead><tbody></tbody></table>`,
  js: String.raw`
  onSignIn(function () {
    return Promise.all([
      api("/v1/cluster").then(function (info) {
        fill($("types"), info.entityTypes.map(function (t) { return [t.type, t.shards, t.messages.join(", ")]; }));
        var select = $("entity-type");
        select.replaceChildren();
        info.entityTypes.forEach(function (t) { var o = document.createElement("option"); o.value = t.type; o.textContent = t.type; select.appendChild(o); });
      }),
      fetch("/health").then(function (res) { return res.json(); }).then(function (h) { $("health").textContent = h.status; }),
      api("/v1/realtime/gateways").then(function (g) { fill($("gateways"), g.gateways.map(function (x) { return [x.name, x.sockets, x.sseStreams, x.topics]; })); }),
    ]);
  });
`,
};
