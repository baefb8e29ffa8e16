/**
 * The drift report a person reads: one self-contained HTML page (inline CSS
 * and SVG, no script, a Content-Security-Policy that forbids every fetch)
 * with the verdicts, each feature's tests and a histogram of the training
 * sample against the window, and the multivariate check. Served by
 * `GET /models/drift/report` and written by `deno task drift`. Pure TypeScript.
 */
import type { DriftSummary } from "../../lib/contract.ts";
import { referenceWords } from "../../lib/drift_words.ts";
import type { DriftSamples } from "./drift_check.ts";

/** What the report shows besides the tests. */
export interface DriftReportOptions {
  /** Where the window came from, e.g. "recent.csv" or "pod-a:123, last 300 s". */
  source: string;
  /** The champion's version. */
  modelVersion: string;
  /** When the report was made (ISO-8601). */
  generatedAt: string;
}

const BINS = 30;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const num = (v: number | null, digits = 3) =>
  v === null ? "–" : Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : v.toFixed(digits);

/** The value at share `p` of a sorted sample. */
function at(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(p * (sorted.length - 1))))];
}

/** Shares per bin of `sorted` over [lo, hi] (values outside count in the end bins). */
function shares(sorted: Float64Array, lo: number, hi: number): number[] {
  const out = new Array<number>(BINS).fill(0);
  if (sorted.length === 0) return out;
  const width = (hi - lo) / BINS || 1;
  for (const v of sorted) out[Math.min(BINS - 1, Math.max(0, Math.floor((v - lo) / width)))]++;
  return out.map((c) => c / sorted.length);
}

/** An inline SVG histogram: training shares as bars, the window's as an outline. */
export function histogramSvg(name: string, reference: Float64Array, current: Float64Array): string {
  const both = [reference, current].filter((s) => s.length > 0);
  if (both.length === 0) return `<p>No values for ${escape(name)}.</p>`;
  // The 0.5 % tails are folded into the end bins, so an outlier does not squash the bulk.
  const lo = Math.min(...both.map((s) => at(s, 0.005)));
  const hi = Math.max(...both.map((s) => at(s, 0.995)));
  const ref = shares(reference, lo, hi);
  const cur = shares(current, lo, hi);
  const top = Math.max(...ref, ...cur) || 1;
  const W = 480;
  const H = 160;
  const bw = W / BINS;
  const y = (share: number) => H - (share / top) * (H - 10);
  const bars = ref.map((s, i) =>
    `<rect x="${(i * bw).toFixed(1)}" y="${y(s).toFixed(1)}" width="${(bw - 1).toFixed(1)}" ` +
    `height="${(H - y(s)).toFixed(1)}" class="ref"/>`
  ).join("");
  let path = `M0 ${H}`;
  cur.forEach((
    s,
    i,
  ) => (path += ` L${(i * bw).toFixed(1)} ${y(s).toFixed(1)} L${((i + 1) * bw).toFixed(1)} ${
    y(s).toFixed(1)
  }`));
  path += ` L${W} ${H}`;
  return `<svg role="img" viewBox="0 0 ${W} ${H + 20}" width="${W}" height="${H + 20}" ` +
    `aria-label="Histogram of ${escape(name)}: training sample against the window">` +
    `${bars}${current.length > 0 ? `<path d="${path}" class="cur"/>` : ""}` +
    `<text x="0" y="${H + 15}">${num(lo, 3)}</text>` +
    `<text x="${W}" y="${H + 15}" text-anchor="end">${num(hi, 3)}</text></svg>`;
}

const VERDICT_TEXT: Record<string, string> = {
  drift: "drift",
  no_drift: "no drift",
  insufficient_data: "insufficient data",
  no_reference: "no reference",
};

/** Render the report page. */
export function renderDriftReport(
  summary: DriftSummary,
  samples: DriftSamples,
  options: DriftReportOptions,
): string {
  const t = summary.thresholds;
  const verdict = (v: string) => `<span class="v ${v}">${VERDICT_TEXT[v] ?? escape(v)}</span>`;
  const features = samples.features.map((name, i) => {
    const f = summary.features[name];
    return `<section><h2>${escape(name)} ${f ? verdict(f.verdict) : ""}</h2>
<table><tr><th scope="row">KS statistic</th><td>${num(f?.ks_statistic ?? null)}</td></tr>
<tr><th scope="row">KS p-value</th><td>${num(f?.ks_p_value ?? null)}</td></tr>
<tr><th scope="row">PSI</th><td>${num(f?.psi ?? null)}</td></tr></table>
${histogramSvg(name, samples.reference[i], samples.current[i])}</section>`;
  }).join("\n");
  const m = summary.multivariate;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Drift report: ${verdict(summary.verdict).replace(/<[^>]+>/g, "")}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:60em;color:#222}
table{border-collapse:collapse;margin:.5em 0}th,td{padding:.2em .8em;text-align:left;border-bottom:1px solid #ddd}
.v{padding:.1em .5em;border-radius:.3em;font-size:.8em;color:#fff;background:#777}
.v.drift{background:#b3261e}.v.no_drift{background:#2e7d32}
svg{display:block;margin:.5em 0}rect.ref{fill:#9fb3c8}path.cur{fill:none;stroke:#d9480f;stroke-width:2}
text{font-size:11px;fill:#555}.key span{display:inline-block;width:1em;height:.8em;margin:0 .3em}
</style></head><body>
<h1>Drift report ${verdict(summary.verdict)}</h1>
<p>Model ${escape(options.modelVersion)}; window: ${escape(options.source)}; made ${
    escape(options.generatedAt)
  }.</p>
<table>
<tr><th scope="row">Readings in the window</th><td>${summary.window.readings} (a verdict needs ${summary.window.min_readings}; at most ${summary.window.capacity}, ${summary.window.max_age_s} s)</td></tr>
<tr><th scope="row">Training sample</th><td>${escape(referenceWords(summary))}</td></tr>
<tr><th scope="row">Rule</th><td>drift when p &lt; ${num(t.per_test_alpha, 4)} (α ${t.alpha} over ${
    samples.features.length + 1
  } tests, Bonferroni) and, per feature, KS statistic ≥ ${t.min_ks_statistic}</td></tr>
</table>
<p class="key"><span style="background:#9fb3c8"></span>training sample <span style="background:#d9480f;height:.2em"></span>window (shares per bin)</p>
${features}
<section><h2>All features together (MMD) ${verdict(m.verdict)}</h2>
<table><tr><th scope="row">MMD²</th><td>${num(m.statistic, 4)}</td></tr>
<tr><th scope="row">Permutation p-value</th><td>${num(m.p_value)}</td></tr></table></section>
</body></html>
`;
}
