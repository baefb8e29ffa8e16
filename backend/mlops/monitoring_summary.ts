/**
 * The lifecycle figures of one replica as JSON, read from its own metrics
 * exposition (aggregated over workers, the same text `/metrics` serves): shadow
 * agreement and both models' flagged shares, drift PSI per feature, and the
 * feedback outcomes per model version. `GET /models` returns it, so a UI
 * needs no Prometheus parser; the counts are cumulative since the process
 * started (difference two polls for a rate).
 */
import type {
  DriftSummary,
  DriftVerdict,
  FeatureDrift,
  MonitoringSummary,
} from "../../lib/contract.ts";
import type { DriftSettings } from "./drift_check.ts";
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

/** The drift section from the drift gauges: verdicts as the workers gave them. */
function driftSummary(
  samples: Sample[],
  settings: DriftSettings,
  features: string[],
): DriftSummary {
  const one = (name: string, where: (l: Record<string, string>) => boolean = () => true) =>
    samples.find((s) => s.name === name && where(s.labels))?.value ?? null;
  const referenceRows = one("drift_reference_rows");
  const match = one("drift_reference_time_of_day") === 1 ? "time_of_day" : "all_rows";
  const waiting: DriftVerdict = one("drift_reference_missing") === 1
    ? "no_reference"
    : "insufficient_data";
  const verdict = (detected: number | null): DriftVerdict =>
    detected === null ? waiting : detected > 0 ? "drift" : "no_drift";
  const names = new Set(features);
  for (const s of samples) if (s.name === "feature_drift_psi") names.add(s.labels.feature);
  const out: Record<string, FeatureDrift> = {};
  for (const feature of names) {
    const of = (l: Record<string, string>) => l.feature === feature;
    const ks = (l: Record<string, string>) => of(l) && l.test === "ks";
    out[feature] = {
      ks_statistic: one("feature_drift_statistic", ks),
      ks_p_value: one("feature_drift_p_value", ks),
      psi: one("feature_drift_psi", of),
      verdict: verdict(one("feature_drift_detected", of)),
    };
  }
  const mmd = (l: Record<string, string>) => l.test === "mmd";
  const multivariate = verdict(one("input_drift_detected", mmd));
  const verdicts = [...Object.values(out).map((f) => f.verdict), multivariate];
  return {
    verdict: verdicts.includes("drift")
      ? "drift"
      : verdicts.every((v) => v === "no_drift")
      ? "no_drift"
      : waiting,
    window: {
      readings: samples.filter((s) => s.name === "drift_window_readings")
        .reduce((n, s) => n + s.value, 0),
      min_readings: settings.minReadings,
      capacity: settings.capacity,
      max_age_s: settings.maxAgeSeconds,
    },
    reference_rows: referenceRows !== null && referenceRows > 0
      ? referenceRows
      : match === "time_of_day"
      ? 0
      : null,
    reference_match: match,
    thresholds: {
      alpha: settings.alpha,
      per_test_alpha: settings.alpha / (names.size + 1),
      correction: "bonferroni",
      min_ks_statistic: settings.minStatistic,
    },
    features: out,
    multivariate: {
      test: "mmd",
      statistic: one("input_drift_statistic", mmd),
      p_value: one("input_drift_p_value", mmd),
      verdict: multivariate,
    },
  };
}

/** Options for {@link monitoringSummary}. */
export interface MonitoringSummaryOptions {
  /** The drift settings the workers run with (thresholds and window). */
  drift: DriftSettings;
  /** The champion's features: listed even before the window gives figures. */
  features?: readonly string[];
}

/** Summarize a Prometheus text exposition of this service. */
export function monitoringSummary(
  exposition: string,
  options: MonitoringSummaryOptions,
): MonitoringSummary {
  const samples = parse(exposition);
  const sum = (name: string, where: (l: Record<string, string>) => boolean = () => true) =>
    samples.filter((s) => s.name === name && where(s.labels)).reduce((n, s) => n + s.value, 0);
  const readings = sum("readings_total");
  const anomalies = sum("anomalies_total");
  const agree = sum("shadow_predictions_total", (l) => l.agree === "true");
  const disagree = sum("shadow_predictions_total", (l) => l.agree === "false");
  const shadowAnomalies = sum("shadow_anomalies_total");
  const drift = driftSummary(samples, options.drift, [...(options.features ?? [])]);
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
