import type { InspectorPanel } from "../panel.ts";

/** The latest saga instances. */
export const sagasPanel: InspectorPanel = {
  id: "sagas",
  title: "Sagas",
  html: `<table id="sagas"><caption>Latest instances</caption><thead><tr><th scope="col">Instance</th><th scope="col">Saga</th><th scope="col">Status</th><th scope="col">Created</th></tr></thead><tbody></tbody></table>`,
  js: String.raw`
  onSignIn(function () {
    return api("/v1/sagas?limit=20").then(function (page) { fill($("sagas"), page.items.map(function (s) { return [s.instanceId, s.saga, s.status, time(s.createdAt)]; })); });
  });
`,
};
