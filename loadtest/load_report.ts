/** Human-readable rendering of a {@link LoadReport} and of the live progress line. */
import type { LoadProgress, LoadReport } from "./load_runner.ts";

function pad(label: string): string {
  return `${label}:`.padEnd(18);
}

/** One status line for the live display (no newline). */
export function formatProgress(p: LoadProgress): string {
  return `[${p.elapsed_s.toFixed(1).padStart(6)}s/${p.duration_s}s] sent ${p.sent} ok ${p.ok} ` +
    `err ${p.errors} dropped ${p.dropped} late ${p.late} in-flight ${p.in_flight} ` +
    `${p.rate.toFixed(1)} ok/s p99 ${p.p99_ms.toFixed(1)} ms instances ${p.instances}`;
}

/** The final report as aligned text lines. */
export function formatReport(r: LoadReport): string {
  const c = r.config;
  const pct = (n: number, of: number) => of === 0 ? "0.0%" : `${((100 * n) / of).toFixed(1)}%`;
  const lines = [
    `target            ${c.url}/predict  batch ${c.batchSize}  workers ${c.workers}  ` +
    `keep-alive ${c.keepalive ? "on" : "off"}`,
    `${pad("requests")}scheduled ${r.scheduled}  sent ${r.sent}  dropped ${r.dropped} ` +
    `(${pct(r.dropped, r.scheduled)})  late ${r.late}  (max send lag ${r.max_send_lag_ms} ms)`,
    `${pad("outcome")}ok ${r.ok}  errors ${r.errors} (${pct(r.errors, r.sent)})`,
    `${pad("by status")}${
      Object.entries(r.by_status).sort().map(([k, v]) => `${k}=${v}`).join("  ") || "-"
    }`,
    `${
      pad("rate")
    }offered ${r.offered_rps}/s  sent ${r.sent_rps}/s  achieved ${r.achieved_rps} ok/s` +
    `  over ${r.elapsed_s} s`,
  ];
  const l = r.latency_ms;
  lines.push(
    l === null
      ? `${pad("latency")}- (no successful response)`
      : `${
        pad("latency (ms)")
      }avg ${l.avg}  p50 ${l.p50}  p95 ${l.p95}  p99 ${l.p99}  max ${l.max}`,
  );
  lines.push(
    `${pad("readings")}${r.readings} scored, ${r.anomalies} flagged (${
      pct(r.anomalies, r.readings)
    })`,
  );
  const served = Object.entries(r.served_by).sort((a, b) => b[1] - a[1]);
  lines.push(`${pad("served by")}${served.length} instance(s)`);
  for (const [who, n] of served) {
    lines.push(`  ${who.padEnd(40)} ${String(n).padStart(8)}  ${pct(n, r.ok)}`);
  }
  for (const s of r.error_samples) lines.push(`  error sample: ${s}`);
  return lines.join("\n");
}
