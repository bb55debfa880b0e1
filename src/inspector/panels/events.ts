import type { InspectorPanel } from "../panel.ts";

/** Dead letters with replay and delete, and the ordered streams stuck on a gap with skip. */
export const eventsPanel: InspectorPanel = {
  id: "events",
  title: "Events",
  html: `<form id="events-form">
  <label for="events-type">Event type</label> <input id="events-type" name="type" placeholder="counter.incremented">
  <label for="events-subscription">Subscription</label> <input id="events-subscription" name="subscription">
  <button type="submit">Refresh dead letters and streams</button>
</form>
<p id="events-error" role="alert"></p>
<table id="events-dead"><caption>Dead letters, oldest first</caption><thead><tr><th scope="col">Id</th><th scope="col">Event</th><th scope="col">Subscription</th><th scope="col">Reason</th><th scope="col">Attempts</th><th scope="col">Error</th><th scope="col">Last failed</th><th scope="col">Payload</th><th scope="col">Actions</th></tr></thead><tbody></tbody></table>
<button id="events-more" type="button" hidden>More dead letters</button>
<table id="events-streams"><caption>Ordered streams stuck on a gap</caption><thead><tr><th scope="col">Stream</th><th scope="col">Shard</th><th scope="col">Waits for sequence</th><th scope="col">Held events</th><th scope="col">Oldest held</th><th scope="col">Refetches</th><th scope="col">Actions</th></tr></thead><tbody></tbody></table>`,
  js: String.raw`
  var letters = [], next = null, paged = false, errors = $("events-error"), last = 0, fresh = latest();
  function deadPath(id) { return "/v1/events/dead/" + encodeURIComponent(id); }
  function payload(d) {
    var pre = document.createElement("pre");
    pre.tabIndex = 0;
    pre.setAttribute("aria-label", "Payload of " + d.id);
    pre.textContent = d.event ? JSON.stringify(d.event.payload, null, 2) : "(unknown: the producer no longer had it)";
    return pre;
  }
  function actions(list) {
    var td = document.createElement("td");
    list.forEach(function (b) { td.appendChild(b); });
    return td;
  }
  function renderLetters() {
    fill($("events-dead"), letters.map(function (d) {
      return [d.id, d.event ? d.event.type : "", d.subscription || "", d.reason, d.attempts, d.error.code + ": " + d.error.message, time(d.lastFailedAt), payload(d), actions([
        button("Replay " + d.id, function () { return api(deadPath(d.id) + "/replay", "POST").then(refresh); }, errors),
        button("Delete " + d.id, function () { return api(deadPath(d.id), "DELETE").then(refresh); }, errors),
      ])];
    }));
    $("events-more").hidden = next === null;
  }
  function loadLetters(more) {
    var q = "?limit=50", type = $("events-type").value.trim(), sub = $("events-subscription").value.trim();
    if (type) q += "&type=" + encodeURIComponent(type);
    if (sub) q += "&subscription=" + encodeURIComponent(sub);
    if (more && next) q += "&cursor=" + encodeURIComponent(next);
    return fresh(api("/v1/events/dead" + q)).then(function (page) { if (!page) return; letters = more ? letters.concat(page.items) : page.items; next = page.nextCursor; paged = !!more; renderLetters(); });
  }
  function loadStreams() {
    return api("/v1/events/streams?limit=100").then(function (r) {
      fill($("events-streams"), r.items.map(function (s) {
        return [s.stream, s.object, s.nextSequence, s.held, Math.round(s.oldestHeldAgeMs / 1000) + " s", s.refetches, actions([
          button("Skip " + s.stream, function () { return api("/v1/events/streams/" + encodeURIComponent(s.stream) + "/skip", "POST", {}).then(refresh); }, errors),
        ])];
      }));
    });
  }
  function refresh() { last = Date.now(); return Promise.all([loadLetters(false), loadStreams()]); }
  function report(err) { errors.textContent = err.message; }
  $("events-form").addEventListener("submit", function (e) { e.preventDefault(); errors.textContent = ""; refresh().catch(report); });
  $("events-more").addEventListener("click", function () { loadLetters(true).catch(report); });
  onSignIn(refresh);
  // Live, at most every 5 s, unless the operator is paging (a refresh would drop the later pages) or
  // has the focus on a row's button (it would be rebuilt under them).
  onActivity(function () { if (!paged && Date.now() - last >= 5000 && onScreen($("panel-events")) && !focused($("events-dead")) && !focused($("events-streams"))) refresh().catch(report); });
`,
};
