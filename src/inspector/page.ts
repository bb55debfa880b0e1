/**
 * The inspector's page shell: markup and styles only, no data (every panel reads a documented admin
 * route with the token the operator types). Served with a strict Content-Security-Policy: the
 * script and the styles are this Worker's own files, nothing else loads, nothing can frame it.
 */
import { PANELS } from "./panels/index.ts";

export const INSPECTOR_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const APP = `<div id="app" hidden>
<p id="app-error" role="alert"></p>
<nav aria-label="Panels"><ul>${PANELS.map((p) => `<li><a href="#panel-${p.id}">${p.title}</a></li>`).join("")}</ul></nav>
${PANELS.map((p) => `<section id="panel-${p.id}" aria-labelledby="${p.id}-title">
<h2 id="${p.id}-title">${p.title}</h2>
${p.html}
</section>
`).join("")}</div>
`;

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
${APP}</main>
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
nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.3rem 1rem;padding:0;margin:0 0 1rem}nav a{color:#1f3f8f}a:focus-visible{outline:3px solid #2f6fed}
figure{margin:.4rem 0}figcaption{font-weight:600}#overview-chart{max-width:100%;height:auto;background:#fcfcfc;border:1px solid #e4e4e4}
#overview-chart text{font-size:11px;fill:#444}.axis{stroke:#888}.chart-messages{stroke:#1f3f8f;stroke-width:2}.chart-errors{stroke:#b3261e;stroke-width:2;stroke-dasharray:6 4}
.legend{font-size:.85rem;color:#444;margin:.1rem 0}dl.counts{grid-template-columns:max-content max-content}
[role=alert]:not(:empty){color:#8a1111;font-weight:600}[role=alert]:not(:empty)::before{content:"Error: "}
.sagas-chart{display:block;max-width:100%;height:auto;border:1px solid #e4e4e4;margin:.5rem 0}.sagas-chart text{font-size:12px;fill:#1b1b1b}
.sg-bar{fill:#3d6fb6;stroke:#1f3f8f}.sg-undo .sg-bar{fill:#f1e7c8;stroke:#6b5310;stroke-dasharray:4 2}.sg-failed,.sg-undo .sg-compensation_failed{fill:#f3c6c2;stroke:#8a1111;stroke-width:2}
`;
