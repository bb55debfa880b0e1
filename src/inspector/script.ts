import { PANELS } from "./panels/index.ts";

/**
 * The inspector's own script, served as `/inspector/app.js` (plain ES2020, no build step, no
 * dependency): the shared helpers (see `InspectorPanel`), then each panel's script, then sign-in.
 * The admin token lives in `sessionStorage` and goes out as a bearer token to the documented admin
 * routes; no cookies, so no CSRF surface. Live data comes from the admin activity stream, read with
 * `fetch` (an `EventSource` cannot send the bearer token), at most one snapshot a second.
 */
const CORE = String.raw`
  var KEY = "durable-cluster.inspector.token", loaders = [], listeners = [], live = null, reading = {};
  function $(id) { return document.getElementById(id); }
  function auth() { return { authorization: "Bearer " + (sessionStorage.getItem(KEY) || "") }; }
  function call(path, method, body, extra) {
    var headers = Object.assign(auth(), extra || {}), init = { method: method || "GET", headers: headers };
    if (body !== undefined) { headers["content-type"] = "application/json"; init.body = JSON.stringify(body); }
    if (init.method !== "GET") reading = {}; // see api()
    return fetch(path, init).then(function (res) {
      if (res.status === 204) return { body: null, headers: res.headers };
      return res.json().catch(function () { return null; }).then(function (b) {
        if (res.ok) return { body: b, headers: res.headers };
        var err = new Error(res.status + " " + ((b && b.title) || res.statusText) + ((b && b.detail) ? ": " + b.detail : ""));
        err.status = res.status;
        throw err;
      });
    });
  }
  // Identical reads in flight at once (several panels loading at sign-in) share one request; a
  // write makes the next reads new ones, so a read after a write sees it.
  function api(path, method, body) {
    if ((method && method !== "GET") || body !== undefined) return call(path, method, body).then(function (r) { return r.body; });
    var mine = reading[path];
    if (!mine) mine = reading[path] = call(path).then(function (r) { return r.body; }).finally(function () { if (reading[path] === mine) delete reading[path]; });
    return mine;
  }
  // For a list that several requests may fill (sign-in, a filter, the live refresh): only the
  // latest request's answer counts; an earlier, slower one resolves to undefined.
  function latest() {
    var n = 0;
    return function (promise) { var mine = ++n; return promise.then(function (v) { return mine === n ? v : undefined; }); };
  }
  function num(x) { return Number(x).toLocaleString("en-US"); }
  function el(tag, text) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; }
  function time(t) { return t === null || t === undefined || t === "" ? "" : new Date(t).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z"); }
  function fill(table, rows) {
    var body = table.querySelector("tbody");
    body.replaceChildren();
    rows.forEach(function (values) {
      var tr = document.createElement("tr");
      values.forEach(function (v) { var td = document.createElement("td"); if (v instanceof Node) td.appendChild(v); else td.textContent = String(v); tr.appendChild(td); });
      body.appendChild(tr);
    });
  }
  function button(label, run, errorEl) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", function () { errorEl.textContent = ""; Promise.resolve().then(run).catch(function (err) { errorEl.textContent = err.message; }); });
    return b;
  }
  // Whether the focus is inside el: a live refresh waits, so it never rebuilds the control in use.
  function focused(el) { return el.contains(document.activeElement); }
  // Whether el is in the viewport: live refreshes read only what can be seen, so an open
  // page costs the cluster little more than its one stream.
  function onScreen(el) { var r = el.getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight; }
  function onSignIn(load) { loaders.push(load); }
  function onActivity(fn) { listeners.push(fn); }
  // Follows the activity stream; a break is retried after 1 s, doubling to 30 s (reset by a frame);
  // a refused token signs the page out.
  function follow(wait) {
    if (live) live.abort();
    var ctl = live = new AbortController(), buffer = "", decoder = new TextDecoder(), next = wait || 1000;
    fetch("/v1/activity/stream", { headers: auth(), signal: ctl.signal }).then(function (res) {
      if (res.status === 401) return $("app").hidden ? undefined : refused(new Error("401 the admin token was refused"));
      if (!res.ok || !res.body) throw new Error(String(res.status));
      var reader = res.body.getReader();
      function pump() {
        return reader.read().then(function (r) {
          if (r.done) throw new Error("closed");
          next = 1000;
          buffer += decoder.decode(r.value, { stream: true });
          var parts = buffer.split("\n\n");
          buffer = parts.pop();
          parts.forEach(function (frame) {
            var data = frame.split("\n").filter(function (l) { return l.indexOf("data:") === 0; }).map(function (l) { return l.slice(5).trim(); }).join("\n");
            if (data) { var snap = JSON.parse(data); listeners.forEach(function (fn) { fn(snap); }); }
          });
          return pump();
        });
      }
      return pump();
    }).catch(function () { if (live === ctl && !ctl.signal.aborted) setTimeout(function () { if (live === ctl) follow(Math.min(30000, next * 2)); }, next); });
  }
  // The token was refused after sign-in (say, rotated): the page starts over, saying why, with nothing of the old data.
  function refused(err) {
    sessionStorage.removeItem(KEY);
    sessionStorage.setItem(KEY + ".error", err.message);
    location.reload();
  }
`;

const BOOT = String.raw`
  function signedIn(on) {
    $("signin").hidden = on;
    $("app").hidden = !on;
    $("signout").hidden = !on;
    if (!on && live) { live.abort(); live = null; }
  }
  // The token is checked with one cheap admin read; then the page shows and the panels fill in.
  // A listener may get a snapshot before its panel's first load: each handles that.
  function start() {
    $("signin-error").textContent = $("app-error").textContent = "";
    follow(); // at once, beside the check: a refused token stops it (signedIn(false))
    return api("/v1/cluster").then(function (info) {
      signedIn(true);
      return Promise.all(loaders.map(function (load) { return load(info); }));
    }).catch(function (err) {
      if (err.status === 401 && !$("app").hidden) return refused(err);
      if (err.status !== 401 && !$("app").hidden) { $("app-error").textContent = err.message; return; }
      sessionStorage.removeItem(KEY);
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
  // Signing out starts the page over: no panel keeps data, no request of the old token lands.
  $("signout").addEventListener("click", function () { sessionStorage.removeItem(KEY); location.reload(); });
  var why = sessionStorage.getItem(KEY + ".error");
  sessionStorage.removeItem(KEY + ".error");
  if (sessionStorage.getItem(KEY)) start();
  else { signedIn(false); $("signin-error").textContent = why || ""; }
`;

export const INSPECTOR_JS = `(function () {\n  "use strict";${CORE}${PANELS.map((p) => `  // ${p.title}\n  (function () {${p.js}  })();\n`).join("")}${BOOT}})();\n`;
