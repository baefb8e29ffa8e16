/**
 * The interactive documentation page served at `/docs`, with no external
 * assets (Swagger UI's CDN is unreachable on air-gapped workshop machines).
 * The page reads `/openapi.json` and renders a "Try it" form per operation;
 * every value is inserted as text, never as HTML. Framework-free, so every
 * HTTP layer variant serves the same page.
 */
import { PROBLEMS, type ProblemType } from "../../lib/problem.ts";

const PROBLEM_HELP: Record<ProblemType, string> = {
  "malformed-json":
    "The body is not UTF-8 JSON (truncated, NaN/Infinity literals, a byte-order mark).",
  "body-timeout": "The body did not arrive within BODY_TIMEOUT_MS.",
  "method-not-allowed":
    "The path exists but not for this method; the Allow header lists the methods.",
  "not-found": "No such path, or (model admin) no registered version matches the one given.",
  "unauthorized":
    "A model admin endpoint without the right Authorization: Bearer <ADMIN_TOKEN> header, or " +
    "POST /feedback without Authorization: Bearer <FEEDBACK_TOKEN> when that is set.",
  "forbidden": "Model admin endpoints are off because the service has no ADMIN_TOKEN.",
  "payload-too-large":
    "The body is larger than MAX_BODY_BYTES, whether sent with Content-Length or chunked.",
  "unsupported-media-type": "Send Content-Type: application/json.",
  "validation":
    "Well-formed JSON that is not a valid request; errors[] names each field, e.g. readings[3].voltage.",
  "internal": "A bug: the response carries a request id to find the log line.",
  "not-ready":
    "The model is loading, failed to load, or the replica is shutting down; retry after Retry-After.",
  "overloaded":
    "More than MAX_INFLIGHT requests, or more than MAX_BODY_BYTES_IN_FLIGHT bytes of request " +
    "bodies, in progress on this worker; the body is not read and the connection is closed. " +
    "Retry after Retry-After.",
  "rate-limited":
    "POST /feedback: this client sent more labels than FEEDBACK_RATE per second allows (bursts " +
    "up to FEEDBACK_MAX_LABELS); nothing was stored. Retry after Retry-After.",
  "label-store-unavailable":
    "POST /feedback: the label store (LABELS_DB) is damaged, full, read-only or busy; the body " +
    "names which. Nothing was stored and stored labels are kept; retry after Retry-After.",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const SCRIPT = `
const spec = await (await fetch("openapi.json")).json();
const root = document.getElementById("ops");
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text) e.textContent = text; if (cls) e.className = cls; return e; };
for (const [path, ops] of Object.entries(spec.paths)) {
  for (const [method, op] of Object.entries(ops)) {
    const sec = el("section", "", "op");
    const h = el("h3"); h.append(el("span", method.toUpperCase(), "method " + method), " " + path); sec.append(h, el("p", op.summary));
    const params = (op.parameters || []).map((p) => { const l = el("label", p.name + " "); const i = el("input"); i.name = p.name; i.placeholder = String(p.schema?.default ?? ""); l.append(i); sec.append(l); return i; });
    let body;
    const ex = op.requestBody?.content?.["application/json"]?.example;
    if (ex !== undefined) { body = el("textarea"); body.rows = 6; body.value = JSON.stringify(ex, null, 2); body.setAttribute("aria-label", "Request body for " + path); sec.append(body); }
    const btn = el("button", "Try it"); const out = el("pre", "", "out"); out.setAttribute("aria-live", "polite");
    btn.onclick = async () => {
      const q = new URLSearchParams(); for (const i of params) if (i.value) q.set(i.name, i.value);
      const url = path.slice(1) + (q.size ? "?" + q : "");
      const init = { method: method.toUpperCase() };
      if (body) { init.body = body.value; init.headers = { "content-type": "application/json" }; }
      out.textContent = "…";
      try { const r = await fetch(url, init); const t = await r.text(); let shown = t; try { shown = JSON.stringify(JSON.parse(t), null, 2); } catch {} out.textContent = r.status + " " + r.statusText + "\\n" + shown; }
      catch (e) { out.textContent = "Request failed: " + e.message; }
    };
    sec.append(btn, out); root.append(sec);
  }
}`;

/** The HTML of the `/docs` page. */
export function renderDocsPage(): string {
  const problems = (Object.keys(PROBLEMS) as ProblemType[])
    .map((t) =>
      `<dt id="problem-${t}"><code>${PROBLEMS[t].status}</code> ${
        escapeHtml(PROBLEMS[t].title)
      } <code>/docs#problem-${t}</code></dt><dd>${escapeHtml(PROBLEM_HELP[t])}</dd>`
    ).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Grid anomaly detection API</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f23}
.op{border:1px solid #d0d7de;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.method{font-family:monospace;font-weight:700;padding:.1rem .4rem;border-radius:4px;background:#ddf4ff}
.method.post{background:#dafbe1} textarea{width:100%;font-family:monospace}
pre.out{background:#f6f8fa;padding:.5rem;max-height:20rem;overflow:auto;white-space:pre-wrap}
button{margin:.5rem 0;padding:.3rem 1rem} label{display:inline-block;margin-right:1rem}
</style></head><body>
<h1>Grid anomaly detection API</h1>
<p>OpenAPI document: <a href="openapi.json">/openapi.json</a>. Every error is <code>application/problem+json</code>
with <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code> (also as <code>error</code>) and,
for invalid fields, <code>errors[]</code> of <code>{path, message}</code>.</p>
<div id="ops"></div>
<h2>Problem types</h2><dl>${problems}</dl>
<script type="module">${SCRIPT}</script>
</body></html>`;
}
