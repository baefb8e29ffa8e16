/**
 * The command-line tools' evaluation: model flags (score at or above the
 * threshold) measured against labels per file and pooled over files, event
 * recall and detection delay where labels form events, and rule flags counted
 * apart (physically impossible grid values; for the point model also values
 * beyond its training range, which the service flags whatever the score), so
 * the model's metrics are the model's alone.
 */
import {
  detectEvents,
  evaluateScores,
  eventsFromLabels,
  quantile,
} from "../../backend/detector/mod.ts";

/** Reading-level metrics of the model's flags on labeled rows. */
export interface ModelMetrics {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
  /** False-alarm rate: share of normal rows flagged. */
  far: number;
  /** Missed-alarm rate: share of anomalous rows not flagged. */
  mar: number;
  roc_auc: number;
  pr_auc: number;
}

/** Events (runs of rows labeled 1 per meter) found, and how many rows after their start. */
export interface EventMetrics {
  events: number;
  detected: number;
  recall: number;
  /** Median rows from an event's first row to its first flag (0 = at once). */
  median_delay: number;
}

/** Evaluated rows of one file, or of all files pooled. */
export interface RowsReport {
  /** Rows evaluated. */
  rows: number;
  /** Rows labeled anomalous, or null without labels. */
  anomalies: number | null;
  /** Rows the model flagged. */
  model_flags: number;
  /** Reading-level metrics, or null without labels. */
  model: ModelMetrics | null;
  /** Event metrics, or null without labels or events. */
  events: EventMetrics | null;
  /** Rows the grid rules flag (a grid quantity is physically impossible), reported apart. */
  grid_flags: number;
  /** Of those, rows labeled anomalous (null without labels). */
  grid_flags_on_anomalies: number | null;
  /**
   * Rows the point model's range guard flags (a value more than 6 training sd
   * from its training mean; `backend/detector/range_guard.ts`), reported apart; 0 for the
   * temporal model.
   */
  range_flags: number;
  /** Of those, rows labeled anomalous (null without labels). */
  range_flags_on_anomalies: number | null;
}

/** What {@link evaluateRows} reads for one file. */
export interface EvaluationInput {
  /** Scores of every row of the file. */
  scores: Float64Array;
  threshold: number;
  /** Rows to evaluate, in file order. */
  rows: readonly number[];
  labels: readonly boolean[] | null;
  /** Grid-rule flag of every row. */
  grid: readonly boolean[];
  /** Range-guard flag of every row. */
  range: readonly boolean[];
  /** Stream key of every row (for events). */
  keys: readonly string[];
}

/** Internal: what pooling needs besides the report. */
export interface Evaluated {
  report: RowsReport;
  scores: number[];
  labels: boolean[] | null;
  delays: number[];
}

function metrics(scores: ArrayLike<number>, labels: ArrayLike<boolean>, threshold: number) {
  const e = evaluateScores(scores, labels, { threshold });
  return {
    ...e.confusion,
    precision: e.precision,
    recall: e.recall,
    f1: e.f1,
    far: e.far,
    mar: e.mar,
    roc_auc: e.rocAuc,
    pr_auc: e.prAuc,
  };
}

/** Evaluate one file's rows. */
export function evaluateRows(input: EvaluationInput): Evaluated {
  const { rows, labels, threshold } = input;
  const scores = rows.map((r) => input.scores[r]);
  const flags = scores.map((s) => s >= threshold);
  const rowLabels = labels ? rows.map((r) => labels[r]) : null;
  // A rule's flags among the evaluated rows, and how many of them are labeled anomalous.
  const count = (flagged: readonly boolean[]) => {
    let all = 0;
    let anomalous = 0;
    rows.forEach((r, i) => {
      if (!flagged[r]) return;
      all++;
      if (rowLabels?.[i]) anomalous++;
    });
    return { all, anomalous: rowLabels ? anomalous : null };
  };
  const grid = count(input.grid);
  const range = count(input.range);
  let events: EventMetrics | null = null;
  let delays: number[] = [];
  if (rowLabels) {
    const found = eventsFromLabels(rowLabels, rows.map((r) => input.keys[r]));
    if (found.length > 0) {
      const d = detectEvents(flags, found);
      delays = d.delays;
      events = {
        events: d.events,
        detected: d.detected,
        recall: d.recall,
        median_delay: d.medianDelay,
      };
    }
  }
  return {
    report: {
      rows: rows.length,
      anomalies: rowLabels ? rowLabels.filter((l) => l).length : null,
      model_flags: flags.filter((f) => f).length,
      model: rowLabels && rows.length > 0 ? metrics(scores, rowLabels, threshold) : null,
      events,
      grid_flags: grid.all,
      grid_flags_on_anomalies: grid.anomalous,
      range_flags: range.all,
      range_flags_on_anomalies: range.anomalous,
    },
    scores,
    labels: rowLabels,
    delays,
  };
}

/** Pool several files' evaluations into one report (metrics over all their rows together). */
export function poolEvaluations(parts: readonly Evaluated[], threshold: number): RowsReport {
  const scores = parts.flatMap((p) => p.scores);
  const labeled = parts.every((p) => p.labels !== null);
  const labels = labeled ? parts.flatMap((p) => p.labels!) : null;
  const withEvents = parts.filter((p) => p.report.events !== null);
  const delays = parts.flatMap((p) => p.delays).sort((a, b) => a - b);
  const eventCount = withEvents.reduce((a, p) => a + p.report.events!.events, 0);
  const detected = withEvents.reduce((a, p) => a + p.report.events!.detected, 0);
  const sum = (f: (r: RowsReport) => number | null) =>
    parts.reduce((a, p) => a + (f(p.report) ?? 0), 0);
  return {
    rows: scores.length,
    anomalies: labeled ? sum((r) => r.anomalies) : null,
    model_flags: sum((r) => r.model_flags),
    model: labels && scores.length > 0 ? metrics(scores, labels, threshold) : null,
    events: eventCount === 0 ? null : {
      events: eventCount,
      detected,
      recall: detected / eventCount,
      median_delay: delays.length === 0 ? NaN : quantile(delays, 0.5),
    },
    grid_flags: sum((r) => r.grid_flags),
    grid_flags_on_anomalies: labeled ? sum((r) => r.grid_flags_on_anomalies) : null,
    range_flags: sum((r) => r.range_flags),
    range_flags_on_anomalies: labeled ? sum((r) => r.range_flags_on_anomalies) : null,
  };
}

/** JSON text with NaN and infinities as null (JSON has no NaN). */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
    2,
  );
}
