/**
 * The e2e report: one JSON document (written to `E2E_REPORT`, default
 * `.tmp/k8s-e2e.json`) with the measured figures of every scenario, and the
 * readable summary printed at the end of a run.
 */
import type { LoadWindow, ScaleSample } from "./timeline.ts";

/** Outcome of one scenario. */
export interface ScenarioResult {
  name: string;
  ok: boolean;
  seconds: number;
  /** The assertion or error message when it failed. */
  error?: string;
}

/** A guide command run on the live cluster. */
export interface GuideRun {
  command: string;
  code: number;
  seconds: number;
}

/** The whole report. Scenario figures live under their own key (`hpa`, `load`, `rollout`, ...). */
export interface E2eReport {
  started_at: string;
  finished_at?: string;
  /** Wall time of the whole run, cluster start and image builds included. */
  duration_s?: number;
  ok?: boolean;
  cluster: Record<string, unknown>;
  scenarios: ScenarioResult[];
  guide_commands: GuideRun[];
  timeline?: {
    window_s: number;
    load_end_s: number;
    samples: ScaleSample[];
    windows: LoadWindow[];
  };
  [section: string]: unknown;
}

/** A fresh report stamped with the start time. */
export function newReport(now = new Date()): E2eReport {
  return { started_at: now.toISOString(), cluster: {}, scenarios: [], guide_commands: [] };
}

/** Value at a dotted path (`hpa.scale_out_s`), or undefined. */
export function at(report: E2eReport, path: string): unknown {
  let value: unknown = report;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The figures the summary prints, as dotted report paths with a unit. */
export const SUMMARY_FIGURES: readonly [string, string][] = [
  ["cluster.build_s", "s"],
  ["cluster.up_s", "s"],
  ["cluster.images_build_s", "s"],
  ["cluster.images_load_s", "s"],
  ["dev.ready_after_apply_s", "s"],
  ["dev.backend_cpu_m", "m"],
  ["hpa.max_replicas", ""],
  ["hpa.scale_out_s", "s"],
  ["hpa.first_ready_s", "s"],
  ["hpa.max_s", "s"],
  ["hpa.scale_in_s", "s"],
  ["hpa.pod_start_to_ready_s", "s"],
  ["load.rate", "req/s"],
  ["load.ok", ""],
  ["load.failed", ""],
  ["load.dropped", ""],
  ["load.dropped_pct", "%"],
  ["load.p99_ms", "ms"],
  ["load.max_vus", ""],
  ["port_forward.instances", ""],
  ["port_forward.cluster_ip_instances", ""],
  ["rollout.failed", ""],
  ["rollout.ok", ""],
  ["rollout.seconds", "s"],
  ["pdb.second_eviction_status", ""],
  ["pod_kill.failed", ""],
  ["pod_kill.recovered_s", "s"],
  ["persistent.model_reused", ""],
  ["scaled.ready_backend", ""],
  ["scaled.free_cpu_m", "m"],
  ["scaled.room_for_backend_pods", ""],
  ["network_policy.enforced", ""],
];

/** The readable summary: one line per scenario, then the figures that were measured. */
export function summarize(report: E2eReport): string {
  const lines: string[] = [];
  const passed = report.scenarios.filter((s) => s.ok).length;
  lines.push(
    `k8s e2e: ${passed}/${report.scenarios.length} scenarios passed` +
      (report.duration_s !== undefined ? ` in ${report.duration_s} s` : ""),
  );
  for (const s of report.scenarios) {
    lines.push(
      `  ${s.ok ? "ok    " : "FAILED"} ${s.name.padEnd(16)} ${s.seconds.toFixed(1).padStart(6)} s` +
        (s.error ? `  ${s.error.split("\n")[0]}` : ""),
    );
  }
  const figures = SUMMARY_FIGURES
    .map(([path, unit]) => [path, at(report, path), unit] as const)
    .filter(([, value]) => value !== undefined);
  if (figures.length > 0) lines.push("figures:");
  for (const [path, value, unit] of figures) {
    lines.push(`  ${path.padEnd(34)} ${JSON.stringify(value)}${unit ? ` ${unit}` : ""}`);
  }
  return lines.join("\n");
}
