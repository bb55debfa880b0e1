import type { InspectorPanel } from "../panel.ts";

/**
 * An entity's shard, state, version, inbox, dedup records and recent messages; and a form to send it
 * one of its type's messages, built from the message's input schema in the public `/openapi.json`
 * (the documented `POST /v1/entities/{Type}/{key}/{message}`): a number input per number, a checkbox
 * per boolean, a select per enum, a text input per string, a JSON text area for anything nested.
 */
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
  <table id="entity-recent"><caption>Last messages with an id</caption><thead><tr><th scope="col">Message id</th><th scope="col">Message</th><th scope="col">At</th><th scope="col">Outcome (reply)</th></tr></thead><tbody></tbody></table>
  <table id="entity-failed"><caption>Notifies given up</caption><thead><tr><th scope="col">Message id</th><th scope="col">Message</th><th scope="col">Attempts</th><th scope="col">Error</th><th scope="col">Sent</th></tr></thead><tbody></tbody></table>
</div>
<form id="entity-send" hidden>
  <h3 id="entity-send-title">Send a message</h3>
  <label for="entity-message">Message</label> <select id="entity-message" required></select>
  <div id="entity-fields"></div>
  <label for="entity-idem">Message id</label> <input id="entity-idem" aria-describedby="entity-idem-hint"> <small id="entity-idem-hint">optional, sent as Idempotency-Key: a repeat gets the stored reply</small>
  <div><button type="submit" id="entity-send-button">Send</button></div>
  <p id="entity-send-error" role="alert"></p>
  <pre id="entity-reply" tabindex="0" aria-label="Reply" hidden></pre>
</form>`,
  js: String.raw`
  var cur = null, doc = null, fields = [], shown = latest();
  function entityPath() { return "/v1/entities/" + encodeURIComponent(cur.type) + "/" + encodeURIComponent(cur.key); }
  function show() {
    $("entity-error").textContent = "";
    return shown(api(entityPath() + "/_state")).then(function (s) {
      if (!s) return;
      $("entity").hidden = false;
      $("entity-shard").textContent = s.objectName + " (" + s.objectId + ")";
      $("entity-version").textContent = String(s.version);
      $("entity-inbox").textContent = s.inbox.pending + " pending, " + s.inbox.running + " running, " + s.inbox.failed + " failed";
      $("entity-dedup").textContent = String(s.dedupRecords);
      $("entity-state").textContent = JSON.stringify(s.state, null, 2);
      fill($("entity-recent"), s.recent.map(function (r) { return [r.messageId, r.message, time(r.at), JSON.stringify(r.reply)]; }));
      fill($("entity-failed"), s.failed.map(function (f) { return [f.messageId, f.message, f.attempts, f.error || "", time(f.at)]; }));
    }).catch(function (err) { $("entity").hidden = true; $("entity-error").textContent = err.message; });
  }
  function spec() {
    return doc ? Promise.resolve(doc) : fetch("/openapi.json").then(function (res) { if (!res.ok) throw new Error(res.status + " /openapi.json"); return res.json(); }).then(function (d) { return (doc = d); });
  }
  function deref(s) {
    while (s && s.$ref) s = doc.components.schemas[decodeURIComponent(s.$ref.split("/").pop()).replace(/~1/g, "/").replace(/~0/g, "~")];
    return s || {};
  }
  function kind(p) {
    var t = Array.isArray(p.type) ? p.type.filter(function (x) { return x !== "null"; })[0] : p.type;
    if (p.enum || p.const !== undefined) return "enum";
    return ["number", "integer", "boolean", "string"].indexOf(t) >= 0 ? t : "json";
  }
  function add(box, name, p, required) {
    var k = kind(p), id = "entity-f" + fields.length, c, label = (name === null ? "Input" : name) + (k === "json" ? " (JSON)" : "");
    if (k === "enum") {
      c = el("select");
      (required ? [] : [undefined]).concat(p.enum || [p.const]).forEach(function (v) { var o = el("option", v === undefined ? "(none)" : String(v)); o.value = v === undefined ? "" : JSON.stringify(v); c.appendChild(o); });
    } else if (k === "json") {
      c = el("textarea"); c.rows = 3; c.placeholder = JSON.stringify(p.type || "JSON");
    } else {
      c = el("input");
      c.type = k === "boolean" ? "checkbox" : k === "string" ? "text" : "number";
      if (k === "integer") c.step = "1"; else if (k === "number") c.step = "any";
      if (p.minimum !== undefined) c.min = p.minimum;
      if (p.maximum !== undefined) c.max = p.maximum;
    }
    c.id = id;
    if (required && k !== "boolean") c.required = true;
    if (p.description) c.title = p.description;
    var l = el("label", label), d = el("div");
    l.htmlFor = id;
    d.append(l, " ", c);
    box.appendChild(d);
    fields.push({ name: name, k: k, c: c, label: label });
  }
  function build() {
    var m = $("entity-message").value, box = $("entity-fields");
    box.replaceChildren();
    fields = [];
    $("entity-send-button").textContent = "Send " + m;
    if (!m) return;
    var op = doc.paths["/v1/entities/" + cur.type + "/{key}/" + m].post, body = op.requestBody && op.requestBody.content["application/json"];
    var s = deref(body && body.schema), req = s.required || [];
    if (s.type !== "object" && !s.properties) return add(box, null, s, false);
    Object.keys(s.properties || {}).forEach(function (name) { add(box, name, deref(s.properties[name]), req.indexOf(name) >= 0); });
  }
  function input() {
    var out = fields.length === 1 && fields[0].name === null ? undefined : {};
    fields.forEach(function (f) {
      var c = f.c, v;
      if (f.k === "boolean") v = c.checked;
      else if (c.value === "") return;
      else if (f.k === "number" || f.k === "integer") v = Number(c.value);
      else if (f.k === "string") v = c.value;
      else try { v = JSON.parse(c.value); } catch (e) { throw new Error(f.label + ": " + e.message); }
      if (f.name === null) out = v; else out[f.name] = v;
    });
    return out;
  }
  function messages() {
    var prefix = "/v1/entities/" + cur.type + "/{key}/", select = $("entity-message");
    return spec().then(function (d) {
      select.replaceChildren();
      Object.keys(d.paths).forEach(function (p) { if (p.indexOf(prefix) === 0 && d.paths[p].post) { var o = el("option", p.slice(prefix.length)); o.value = o.textContent; select.appendChild(o); } });
      build();
    });
  }
  $("entity-message").addEventListener("change", build);
  $("entity-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var type = $("entity-type").value, fresh = !cur || cur.type !== type;
    cur = { type: type, key: $("entity-key").value };
    $("entity-reply").hidden = true;
    $("entity-send-error").textContent = "";
    $("entity-send-title").textContent = "Send " + type + " " + cur.key + " a message";
    $("entity-send").hidden = false;
    show();
    if (fresh) messages().catch(function (err) { $("entity-send-error").textContent = err.message; });
  });
  $("entity-send").addEventListener("submit", function (e) {
    e.preventDefault();
    var m = $("entity-message").value, errors = $("entity-send-error"), reply = $("entity-reply");
    errors.textContent = "";
    Promise.resolve().then(function () {
      var id = $("entity-idem").value;
      return call(entityPath() + "/" + encodeURIComponent(m), "POST", input(), id ? { "idempotency-key": id } : {});
    }).then(function (r) {
      reply.hidden = false;
      reply.textContent = (r.headers.get("idempotent-replayed") === "true" ? "Stored reply (a repeat of this message id):\n" : "Reply:\n") + JSON.stringify(r.body, null, 2);
      return show();
    }).catch(function (err) { reply.hidden = true; errors.textContent = err.message; });
  });
`,
};
