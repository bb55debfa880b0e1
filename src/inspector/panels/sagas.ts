import type { InspectorPanel } from "../panel.ts";

const STATUSES = ["running", "compensating", "completed", "compensated", "compensation_failed"];

/**
 * Saga instances by name and status, a page at a time; an instance opens as a step timeline (inline
 * SVG, one lane per step run and one per compensation, in the order they ran, placed by their
 * times) with the same lanes as an ordered list for keyboard and screen-reader users.
 */
export const sagasPanel: InspectorPanel = {
  id: "sagas",
  title: "Sagas",
  html: `<form id="sagas-form">
  <label for="sagas-status">Status</label> <select id="sagas-status" name="status"><option value="">any</option>${STATUSES.map((s) => `<option>${s}</option>`).join("")}</select>
  <label for="sagas-name">Saga name</label> <input id="sagas-name" name="name" placeholder="any">
  <button type="submit">Show sagas</button>
</form>
<p id="sagas-error" role="alert"></p>
<table id="sagas"><caption>Instances, newest first</caption><thead><tr><th scope="col">Instance</th><th scope="col">Saga</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Actions</th></tr></thead><tbody></tbody></table>
<button id="sagas-next" type="button" hidden>Next page of sagas</button>
<div id="sagas-detail" hidden>
  <h3 id="sagas-detail-title"></h3>
  <dl><dt>Status</dt><dd id="sagas-status-text"></dd><dt>Cause</dt><dd id="sagas-cause"></dd><dt>Compensation cause</dt><dd id="sagas-compensation-cause"></dd><dt>Created</dt><dd id="sagas-created"></dd><dt>Finished</dt><dd id="sagas-finished"></dd></dl>
  <svg id="sagas-timeline" class="sagas-chart" role="img" aria-label="Step timeline of the opened saga"></svg>
  <ol id="sagas-steps"></ol>
</div>`,
  js: String.raw`
  var next = null, fresh = latest(), opened = latest(), filter = new URLSearchParams(), open = null, paged = false, last = 0;
  function set(e, attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); }); return e; }
  // The chart's root is in the markup: its namespace (SVG, from the HTML parser) is the children's.
  function svg(tag, attrs, text) {
    var e = set(document.createElementNS($("sagas-timeline").namespaceURI, tag), attrs);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function why(c) { return c ? (c.code ? c.code + ": " : "") + c.message : ""; }
  function cause(c) { return c ? (c.step ? "in " + c.step + ", " : "") + why(c) : ""; }
  // Lanes: each step's run in declaration order, then each compensation in the order it finished.
  function lanes(r) {
    var end = r.finishedAt || r.updatedAt, last = r.createdAt, undo = ["compensating", "compensated", "compensation_failed"];
    var runs = r.steps.map(function (s) {
      if (s.finishedAt) last = Math.max(last, s.finishedAt);
      return { label: s.name, undo: false, status: undo.indexOf(s.status) >= 0 ? "completed" : s.status, attempts: s.attempts, cause: why(s.error), from: s.startedAt, to: s.startedAt === null ? null : s.finishedAt || end };
    });
    var comps = r.steps.map(function (s, i) { return { s: s, i: i }; }).filter(function (x) { return x.s.compensationAttempts > 0 || undo.indexOf(x.s.status) >= 0; });
    comps.sort(function (a, b) { return (a.s.compensatedAt || Infinity) - (b.s.compensatedAt || Infinity) || b.i - a.i; });
    return runs.concat(comps.map(function (x) {
      var to = x.s.compensatedAt || end, lane = { label: "↩ compensate " + x.s.name, undo: true, status: x.s.status, attempts: x.s.compensationAttempts, cause: why(x.s.compensationError), from: Math.min(last, to), to: to };
      last = to;
      return lane;
    }));
  }
  function sentence(l, t0) {
    var parts = [l.label, l.status, l.attempts + (l.attempts === 1 ? " attempt" : " attempts")];
    if (l.from !== null) parts.push("+" + (l.from - t0) + " ms, took " + (l.to - l.from) + " ms");
    if (l.cause) parts.push(l.cause);
    return parts.join(" — ");
  }
  function draw(r) {
    var all = lanes(r), t0 = r.createdAt, span = Math.max(1, (r.finishedAt || r.updatedAt) - t0);
    all.forEach(function (l) { if (l.to !== null) span = Math.max(span, l.to - t0); });
    var W = 720, L = 200, C = W - L - 170, H = 26, height = all.length * H + 24;
    var root = set($("sagas-timeline"), { viewBox: "0 0 " + W + " " + height, width: W, height: height, "aria-label": "Step timeline of " + r.instanceId + "; the same steps are listed below" });
    root.replaceChildren();
    all.forEach(function (l, n) {
      var y = n * H + 4, g = svg("g", { class: l.undo ? "sg-undo" : "sg-run" }), note = l.status + (l.attempts ? " ×" + l.attempts : "");
      g.appendChild(svg("title", {}, sentence(l, t0)));
      g.appendChild(svg("text", { x: 4, y: y + 16 }, l.label));
      if (l.from === null) { g.appendChild(svg("text", { x: L, y: y + 16, class: "sg-note" }, note)); root.appendChild(g); return; }
      var x = L + ((l.from - t0) / span) * C, w = Math.max(4, ((l.to - l.from) / span) * C), cls = "sg-bar sg-" + l.status, top = y + 3, bottom = y + H - 5;
      // A compensation is an arrow pointing back (and dashed): its shape, not its colour, tells it apart.
      g.appendChild(l.undo
        ? svg("polygon", { points: [x, (top + bottom) / 2, x + 8, top, x + w + 8, top, x + w + 8, bottom, x + 8, bottom].join(" "), class: cls })
        : svg("rect", { x: x, y: top, width: w, height: bottom - top, class: cls }));
      g.appendChild(svg("text", { x: x + w + 14, y: y + 16, class: "sg-note" }, note));
      root.appendChild(g);
    });
    root.appendChild(svg("text", { x: L, y: height - 4, class: "sg-note" }, "0 ms"));
    root.appendChild(svg("text", { x: L + C, y: height - 4, class: "sg-note", "text-anchor": "end" }, "+" + span + " ms"));
    $("sagas-steps").replaceChildren.apply($("sagas-steps"), all.map(function (l) { var li = document.createElement("li"); li.textContent = sentence(l, t0); return li; }));
  }
  function openSaga(name, id) {
    open = { name: name, id: id };
    return opened(api("/v1/sagas/" + encodeURIComponent(name) + "/" + encodeURIComponent(id))).then(function (r) {
      if (!r) return;
      $("sagas-detail").hidden = false;
      $("sagas-detail-title").textContent = "Saga " + r.saga + " / " + r.instanceId;
      $("sagas-status-text").textContent = r.status + (r.cancelRequested ? " (cancel requested)" : "");
      $("sagas-cause").textContent = cause(r.cause) || "none";
      $("sagas-compensation-cause").textContent = cause(r.compensationCause) || "none";
      $("sagas-created").textContent = time(r.createdAt);
      $("sagas-finished").textContent = time(r.finishedAt) || "not yet";
      draw(r);
      if (r.finishedAt) open = null; // a finished saga's timeline no longer changes
    });
  }
  // The filter of the first page is kept for the next pages, whatever the form says since.
  function loadSagas(cursor, again) {
    var errors = $("sagas-error");
    if (!cursor && !again) {
      filter = new URLSearchParams({ limit: "20" });
      if ($("sagas-name").value) filter.set("name", $("sagas-name").value);
      if ($("sagas-status").value) filter.set("status", $("sagas-status").value);
    }
    var q = new URLSearchParams(filter);
    if (cursor) q.set("cursor", cursor);
    errors.textContent = "";
    return fresh(api("/v1/sagas?" + q)).then(function (page) {
      if (!page) return;
      fill($("sagas"), page.items.map(function (s) { return [s.instanceId, s.saga, s.status, time(s.createdAt), button("Open " + s.instanceId, function () { return openSaga(s.saga, s.instanceId); }, errors)]; }));
      next = page.nextCursor;
      $("sagas-next").hidden = !next;
    });
  }
  function show(cursor) { loadSagas(cursor).catch(function (err) { $("sagas-error").textContent = err.message; }); }
  $("sagas-form").addEventListener("submit", function (e) { e.preventDefault(); paged = false; show(null); });
  $("sagas-next").addEventListener("click", function () { paged = true; show(next); });
  // Live, at most every 5 s: the first page (not while paging or with the focus on a row) and the
  // timeline of an unfinished saga that is open.
  onActivity(function () {
    if (Date.now() - last < 5000 || !onScreen($("panel-sagas"))) return;
    last = Date.now();
    if (!paged && !focused($("sagas"))) loadSagas(null, true).catch(function (err) { $("sagas-error").textContent = err.message; });
    if (open) openSaga(open.name, open.id).catch(function (err) { $("sagas-error").textContent = err.message; });
  });
  onSignIn(function () { return loadSagas(null); });
`,
};
