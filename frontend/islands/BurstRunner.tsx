/**
 * The burst island: N requests at a concurrency, for some cycles with a pause
 * between them, run by the UI server (`POST /api/bursts`) so the browser is
 * not the bottleneck. Shows a progress bar while it runs and what came back.
 */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ProblemBanner } from "../components/ProblemBanner.tsx";
import { ProgressBar } from "../components/ProgressBar.tsx";
import { Stat } from "../components/Stat.tsx";
import { callJson, type Problem } from "../lib/api.ts";
import { BURST_FIELDS, type BurstField, formValues, specFromForm } from "../lib/burst_form.ts";
import { emitServed } from "../lib/bus.ts";
import { servedDelta } from "../lib/served_counts.ts";
import { formatMs, formatRatio, precision, recall } from "../lib/stats.ts";
import type { BurstSpec, BurstStatus } from "../lib/burst_spec.ts";

/** Props of {@link BurstRunner} (plain JSON). */
export interface BurstRunnerProps {
  defaults: BurstSpec;
  /** Inclusive bounds per numeric field. */
  limits: Record<BurstField, [number, number]>;
  /** How often the page asks for progress. */
  pollMs: number;
  /** Bounds on a burst's total work (the server refuses more with 422). */
  budget: { requestsPerBurst: number; readingsPerBurst: number; readingsInFlight: number };
}

/** Burst controls, progress bar and result. */
export default function BurstRunner(
  { defaults, limits, pollMs, budget }: BurstRunnerProps,
): JSX.Element {
  const [values, setValues] = useState(() => formValues(defaults));
  const [newConnection, setNewConnection] = useState(defaults.newConnection);
  const [burst, setBurst] = useState<BurstStatus | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const reported = useRef<Record<string, number>>({});
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  function report(status: BurstStatus) {
    // Forward only what is new since the last poll to the per-instance chart.
    const delta = servedDelta(reported.current, status.servedBy);
    reported.current = { ...status.servedBy };
    if (Object.keys(delta).length > 0) emitServed(delta);
  }

  async function poll(id: string) {
    const outcome = await callJson<BurstStatus>(`/api/bursts/${encodeURIComponent(id)}`);
    if (!outcome.ok) {
      setProblem(outcome.problem);
      timer.current = setTimeout(() => poll(id), Math.max(pollMs, 1000));
      return;
    }
    setProblem(null);
    setBurst(outcome.data);
    report(outcome.data);
    if (outcome.data.state === "running") timer.current = setTimeout(() => poll(id), pollMs);
  }

  async function start() {
    const spec = specFromForm(values, newConnection);
    const outcome = await callJson<BurstStatus>("/api/bursts", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(spec),
    });
    if (!outcome.ok) {
      setProblem(outcome.problem);
      return;
    }
    setProblem(null);
    reported.current = {};
    setBurst(outcome.data);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => poll(outcome.data.id), pollMs);
  }

  async function cancel() {
    if (!burst) return;
    await callJson(`/api/bursts/${encodeURIComponent(burst.id)}`, { method: "DELETE" });
  }

  const running = burst?.state === "running";
  const b = burst;
  return (
    <section class="panel bursts" aria-labelledby="bursts-heading">
      <h2 id="bursts-heading">Bursts (run by the UI server)</h2>
      <form onSubmit={(e) => e.preventDefault()}>
        <div class="grid">
          {BURST_FIELDS.map((f) => {
            const [lo, hi] = limits[f.key];
            const scale = f.scale ?? 1;
            return (
              <div class="field" key={f.key}>
                <label for={`burst-${f.key}`}>{f.label}</label>
                <input
                  id={`burst-${f.key}`}
                  type="number"
                  min={lo / scale}
                  max={hi / scale}
                  step={f.step}
                  value={values[f.key]}
                  aria-describedby={`burst-${f.key}-help`}
                  onInput={(e) => {
                    const v = e.currentTarget.value;
                    setValues((old) => ({ ...old, [f.key]: v }));
                  }}
                />
                <small id={`burst-${f.key}-help`}>
                  {f.help} ({lo / scale}–{hi / scale})
                </small>
              </div>
            );
          })}
        </div>
        <p class="muted" id="burst-budget">
          Per burst at most {budget.requestsPerBurst} requests (requests × cycles),{" "}
          {budget.readingsPerBurst} readings, and {budget.readingsInFlight}{" "}
          readings in flight (concurrency × batch size).
        </p>
        <div class="field check">
          <input
            id="burst-new-connection"
            type="checkbox"
            checked={newConnection}
            onChange={(e) => setNewConnection(e.currentTarget.checked)}
          />
          <label for="burst-new-connection">New connection for each burst request</label>
        </div>
        <div class="buttons">
          <button type="button" class="primary" onClick={start} disabled={running}>
            Run Burst
          </button>
          <button type="button" onClick={cancel} disabled={!running}>Cancel Burst</button>
        </div>
      </form>
      <ProblemBanner id="burst-problem" problem={problem} />
      {b
        ? (
          <div class="burst-result" id="burst-result" data-state={b.state}>
            <ProgressBar
              id="burst-progress"
              label={`Burst ${b.state === "running" ? "progress" : b.state}`}
              value={b.completed}
              max={b.total}
              text={`${b.completed} of ${b.total} requests, cycle ${b.cycle} of ${b.spec.cycles}` +
                (b.state === "running"
                  ? ""
                  : ` (${b.state} in ${(b.elapsedMs / 1000).toFixed(1)} s)`)}
            />
            <dl class="stats">
              <Stat id="burst-ok" label="Succeeded" value={b.ok} />
              <Stat id="burst-failed" label="Failed" value={b.failed} />
              <Stat id="burst-cancelled" label="Cancelled" value={b.cancelled} />
              <Stat
                label="Throughput"
                value={b.elapsedMs > 0
                  ? `${(b.completed / (b.elapsedMs / 1000)).toFixed(1)} req/s`
                  : "—"}
              />
              <Stat label="Latency avg" value={formatMs(b.latencyMs.avg)} />
              <Stat label="Latency p95" value={formatMs(b.latencyMs.p95)} />
              <Stat label="Latency p99" value={formatMs(b.latencyMs.p99)} />
              <Stat label="Flagged / readings" value={`${b.flagged} / ${b.readings}`} />
              <Stat label="Precision" value={formatRatio(precision(b.confusion))} />
              <Stat label="Recall" value={formatRatio(recall(b.confusion))} />
            </dl>
            {b.lastError ? <p class="muted">Last failure: {b.lastError}</p> : null}
          </div>
        )
        : <p class="muted">No burst run yet.</p>}
    </section>
  );
}
