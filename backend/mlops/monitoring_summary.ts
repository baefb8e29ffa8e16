/**
 * The lifecycle figures of one replica as JSON, read from its own metrics
 * exposition (aggregated over workers, the same text `/metrics` serves): shadow
 * agreement and both models' flagged shares, drift PSI per feature, and the
 * feedback outcomes per model version. `GET /models` returns it, so a UI
 * needs no Prometheus parser; the counts are cumulative since the process
 * started (difference two polls for a rate).
 */
import type { MonitoringSummary } from "../../lib/contract.ts";
import { OUTCOMES, precision, recall } from "./feedback.ts";

export type { MonitoringSummary };

/** One sample of the exposition. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? "").matchAll(LABEL)) labels[k] = v.replace(/\\(.)/g, "$1");
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/** Summarize a Prometheus text exposition of this service. */
export function monitoringSummary(exposition: string): MonitoringSummary {
  const samples = parse(exposition);
  const sum = (name: string, where: (l: Record<string, string>) => boolean = () => true) =>
    samples.filter((s) => s.name === name && where(s.labels)).reduce((n, s) => n + s.value, 0);
  const readings = sum("readings_total");
  const anomalies = sum("anomalies_total");
  const agree = sum("shadow_predictions_total", (l) => l.agree === "true");
  const disagree = sum("shadow_predictions_total", (l) => l.agree === "false");
  const shadowAnomalies = sum("shadow_anomalies_total");
  const drift: Record<string, number> = {};
  for (const s of samples) if (s.name === "feature_drift_psi") drift[s.labels.feature] = s.value;
  const feedback: MonitoringSummary["feedback"] = {};
  for (const s of samples) {
    if (s.name !== "feedback_total" || !s.labels.model_version) continue;
    const outcome = s.labels.outcome as (typeof OUTCOMES)[number];
    if (!OUTCOMES.includes(outcome)) continue;
    const t = feedback[s.labels.model_version] ??= {
      tp: 0,
      fp: 0,
      fn: 0,
      tn: 0,
      precision: null,
      recall: null,
    };
    t[outcome] += s.value;
  }
  for (const t of Object.values(feedback)) {
    t.precision = precision(t);
    t.recall = recall(t);
  }
  return {
    champion: { readings, anomalies, anomaly_rate: ratio(anomalies, readings) },
    shadow: {
      agree,
      disagree,
      agreement: ratio(agree, agree + disagree),
      anomalies: shadowAnomalies,
      anomaly_rate: ratio(shadowAnomalies, agree + disagree),
      dropped: sum("shadow_dropped_total"),
    },
    drift,
    feedback,
  };
}
