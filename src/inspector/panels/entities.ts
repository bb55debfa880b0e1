import type { InspectorPanel } from "../panel.ts";

/** An entity's shard, state, version, inbox, dedup records and recent messages. */
export const entitiesPanel: InspectorPanel = {
  id: "entity",
  title: "Entities",
  html: `<form id="entity-form">
  <label for="entity-type">Type</label> <select id="entity-type" name="type" required></select>
  <label for="entity-key">Key</label> <input id="entity-key" name="key" required>
  <button type="submit">Show</button>
</form>
<p id="entity-error" role="alert"></p>
<div id="entity" hidden>
  <dl><dt>Shard</dt><dd id="entity-shard"></dd><dt>Version</dt><dd id="entity-version"></dd><dt>Inbox</dt><dd id="entity-inbox"></dd><dt>Dedup records</dt><dd id="entity-dedup"></dd></dl>
  <pre id="entity-state" tabindex="0" aria-label="State"></pre>
  <table id="entity-recent"><caption>Last messages with an id</caption><thead><tr><th scope="col">Message id</th><th scope="col">Message</th><th scope="col">At</th></tr></thead><tbody></tbody></table>
</div>`,
  js: String.raw`
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
`,
};
