/**
 * The inspector's page shell: markup and styles only, no data (every panel reads a documented admin
 * route with the token the operator types). Served with a strict Content-Security-Policy: the
 * script and the styles are this Worker's own files, nothing else loads, nothing can frame it.
 */
export const INSPECTOR_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const INSPECTOR_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>durable-cluster inspector</title>
<link rel="stylesheet" href="/inspector/app.css">
<script src="/inspector/app.js" defer></script>
</head>
<body>
<header><h1>durable-cluster inspector</h1><button id="signout" type="button" hidden>Sign out</button></header>
<main>
<section id="signin" aria-labelledby="signin-title">
  <h2 id="signin-title">Sign in</h2>
  <form id="signin-form">
    <label for="token">Admin token</label>
    <input id="token" name="token" type="password" autocomplete="off" required>
    <button type="submit">Sign in</button>
  </form>
  <p id="signin-error" role="alert"></p>
</section>
<div id="app" hidden>
  <section aria-labelledby="overview-title">
    <h2 id="overview-title">Overview</h2>
    <p>Health: <strong id="health">…</strong></p>
    <table id="types"><caption>Entity types</caption><thead><tr><th scope="col">Type</th><th scope="col">Shards</th><th scope="col">Messages</th></tr></thead><tbody></tbody></table>
    <table id="gateways"><caption>Socket gateways</caption><thead><tr><th scope="col">Gateway</th><th scope="col">Sockets</th><th scope="col">SSE streams</th><th scope="col">Topics</th></tr></thead><tbody></tbody></table>
  </section>
  <section aria-labelledby="entity-title">
    <h2 id="entity-title">Entities</h2>
    <form id="entity-form">
      <label for="entity-type">Type</label> <select id="entity-type" name="type" required></select>
      <label for="entity-key">Key</label> <input id="entity-key" name="key" required>
      <button type="submit">Show</button>
    </form>
    <p id="entity-error" role="alert"></p>
    <div id="entity" hidden>
      <dl><dt>Shard</dt><dd id="entity-shard"></dd><dt>Version</dt><dd id="entity-version"></dd><dt>Inbox</dt><dd id="entity-inbox"></dd><dt>Dedup records</dt><dd id="entity-dedup"></dd></dl>
      <pre id="entity-state" tabindex="0" aria-label="State"></pre>
      <table id="entity-recent"><caption>Last messages with an id</caption><thead><tr><th scope="col">Message id</th><th scope="col">Message</th><th scope="col">At</th></tr></thead><tbody></tbody></table>
    </div>
  </section>
  <section aria-labelledby="tasks-title">
    <h2 id="tasks-title">Tasks</h2>
    <form id="tasks-form">
      <label for="singleton">Singleton</label> <input id="singleton" name="singleton" value="default" required>
      <button type="submit">Show tasks</button>
    </form>
    <p id="tasks-error" role="alert"></p>
    <table id="tasks"><caption>Tasks</caption><thead><tr><th scope="col">Task</th><th scope="col">Schedule</th><th scope="col">Next run</th><th scope="col">Paused</th><th scope="col">Last run</th><th scope="col">Actions</th></tr></thead><tbody></tbody></table>
    <table id="runs"><caption id="runs-caption">Runs</caption><thead><tr><th scope="col">Tick</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Started</th><th scope="col">Error</th></tr></thead><tbody></tbody></table>
  </section>
  <section aria-labelledby="sagas-title">
    <h2 id="sagas-title">Sagas</h2>
    <table id="sagas"><caption>Latest instances</caption><thead><tr><th scope="col">Instance</th><th scope="col">Saga</th><th scope="col">Status</th><th scope="col">Created</th></tr></thead><tbody></tbody></table>
  </section>
</div>
</main>
</body>
</html>
`;

export const INSPECTOR_CSS = `body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header{display:flex;align-items:center;justify-content:space-between;padding:.6rem 1.2rem;background:#1f2a44;color:#fff}
h1{font-size:1.15rem;margin:0}main{padding:1rem 1.2rem;max-width:70rem}
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.8rem 1rem;margin-bottom:1rem}
h2{font-size:1.05rem;margin:.2rem 0 .6rem}table{border-collapse:collapse;margin:.5rem 0;min-width:24rem}
caption{text-align:left;font-weight:600;padding:.2rem 0}th,td{border-bottom:1px solid #e4e4e4;padding:.25rem .6rem;text-align:left}
pre{background:#f3f3f3;padding:.6rem;overflow:auto;max-height:20rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dt{font-weight:600}label{margin-right:.3rem}input,select,button{font:inherit;padding:.25rem .5rem;margin:.2rem .4rem .2rem 0}
button:focus-visible,input:focus-visible,select:focus-visible,pre:focus-visible{outline:3px solid #2f6fed;outline-offset:2px}
[role=alert]:not(:empty){color:#8a1111;font-weight:600}[role=alert]:not(:empty)::before{content:"Error: "}
`;
