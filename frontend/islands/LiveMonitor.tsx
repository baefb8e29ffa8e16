/**
 * The streaming island: the original UI's sidebar controls, the three signal
 * charts, the counters (with live precision and recall against the
 * simulator's labels), latency and the recent anomalies table. New data is
 * appended to the charts in place; nothing else on the page re-renders.
 */
import type { JSX } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import {
  EXTREME_READING,
  type LabeledReading,
  Simulator,
  toReading,
} from "../../backend/simulator/simulator.ts";
import { type AnomalyRow, AnomalyTable } from "../components/AnomalyTable.tsx";
import { ProblemBanner } from "../components/ProblemBanner.tsx";
import { Stat } from "../components/Stat.tsx";
import { type Outcome, predict, type PredictResponse, type Problem } from "../lib/api.ts";
import { emitBackendOutcome, emitServed } from "../lib/bus.ts";
import {
  appendPoints,
  type Chart,
  clearChart,
  createSignalChart,
  SERIES,
  SIGNALS,
  type XY,
} from "../lib/charts.ts";
import {
  addVerdict,
  type Confusion,
  emptyConfusion,
  formatMs,
  formatRatio,
  type LatencySummary,
  precision,
  recall,
  RollingWindow,
  summarizeLatency,
} from "../lib/stats.ts";

/** Starting values of the controls. */
export interface StreamSettings {
  batchSize: number;
  /** Milliseconds between requests while streaming. */
  intervalMs: number;
  /** Share of simulated readings that are anomalous, in [0, 1]. */
  anomalyRate: number;
  newConnection: boolean;
}

/** Props of {@link LiveMonitor} (plain JSON). */
export interface LiveMonitorProps {
  defaults: StreamSettings;
  /** Largest batch the control offers (the backend enforces its own MAX_BATCH). */
  maxBatch: number;
  /** Points kept on each chart. */
  chartWindow: number;
  /** Rows kept in the anomalies table. */
  tableRows: number;
}

type SignalName = keyof typeof SIGNALS;
const SIGNAL_NAMES = Object.keys(SIGNALS) as SignalName[];

interface Counters {
  points: number;
  requests: number;
  errors: number;
  flagged: number;
  labelled: number;
  confusion: Confusion;
  latency: LatencySummary;
  servedBy: string | null;
}

const ZERO: Counters = {
  points: 0,
  requests: 0,
  errors: 0,
  flagged: 0,
  labelled: 0,
  confusion: emptyConfusion(),
  latency: summarizeLatency([]),
  servedBy: null,
};

/** Requests a stream keeps in flight at most. */
const MAX_IN_FLIGHT = 2;
/** Pause after a failed request before the stream sends again. */
const RETRY_MS = 2_000;

/** Least time between two chart redraws. */
const DRAW_EVERY_MS = 200;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Controls, charts, counters and anomalies of the live stream. */
export default function LiveMonitor(
  { defaults, maxBatch, chartWindow, tableRows }: LiveMonitorProps,
): JSX.Element {
  const [batchText, setBatchText] = useState(String(defaults.batchSize));
  const [intervalText, setIntervalText] = useState(String(defaults.intervalMs / 1000));
  const [anomalyRate, setAnomalyRate] = useState(defaults.anomalyRate);
  const [newConnection, setNewConnection] = useState(defaults.newConnection);
  const [streaming, setStreaming] = useState(false);
  const [counters, setCounters] = useState<Counters>(ZERO);
  const [rows, setRows] = useState<AnomalyRow[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [status, setStatus] = useState("Idle.");

  const batchSize = Number(batchText);
  const batchValid = Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= maxBatch;
  const intervalS = Number(intervalText);
  const intervalValid = Number.isFinite(intervalS) && intervalS >= 0.05 && intervalS <= 60;

  // The loop reads the latest settings through a ref, so changing a control
  // while streaming takes effect on the next request.
  const settings = useRef({
    batchSize: defaults.batchSize,
    intervalMs: defaults.intervalMs,
    newConnection,
  });
  settings.current = {
    batchSize: batchValid ? batchSize : clamp(Math.round(batchSize) || 1, 1, maxBatch),
    intervalMs: (intervalValid ? intervalS : clamp(intervalS || 1, 0.05, 60)) * 1000,
    newConnection,
  };
  const streamingRef = useRef(false);
  const simulator = useRef<Simulator | null>(null);
  const lastTime = useRef(Date.now());
  const seq = useRef(0);
  const totals = useRef<Counters>({ ...ZERO, confusion: emptyConfusion() });
  const latencies = useRef(new RollingWindow(200));
  const charts = useRef<Partial<Record<SignalName, Chart<"line", XY[]>>>>({});
  const canvases = useRef<Partial<Record<SignalName, HTMLCanvasElement | null>>>({});
  const figures = useRef<Partial<Record<SignalName, HTMLElement | null>>>({});
  const frame = useRef<ReturnType<typeof setTimeout> | 0>(0);
  const lastDraw = useRef(0);

  useEffect(() => {
    for (const name of SIGNAL_NAMES) {
      const canvas = canvases.current[name];
      if (canvas) charts.current[name] = createSignalChart(canvas, SIGNALS[name]);
    }
    return () => {
      streamingRef.current = false;
      for (const c of Object.values(charts.current)) c?.destroy();
      charts.current = {};
    };
  }, []);

  useEffect(() => {
    simulator.current = new Simulator({
      seed: Math.floor(Math.random() * 2 ** 32),
      anomalyRate,
      start: lastTime.current,
    });
  }, [anomalyRate]);

  /**
   * Redraw the charts at most every DRAW_EVERY_MS, in an animation frame: at
   * 10 responses a second, drawing each one would keep the main thread busy
   * and delay the next request.
   */
  function scheduleDraw() {
    if (frame.current) return;
    const wait = Math.max(0, lastDraw.current + DRAW_EVERY_MS - performance.now());
    frame.current = setTimeout(() =>
      requestAnimationFrame(() => {
        frame.current = 0;
        lastDraw.current = performance.now();
        for (const name of SIGNAL_NAMES) {
          const chart = charts.current[name];
          if (!chart) continue;
          chart.update("none");
          const fig = figures.current[name];
          if (fig) {
            // For tests and curious readers: what the canvas currently shows.
            fig.dataset.points = String(chart.data.datasets[SERIES.line].data.length);
            fig.dataset.flagged = String(chart.data.datasets[SERIES.flagged].data.length);
          }
        }
      }), wait);
  }

  function record(batch: LabeledReading[], outcome: Outcome<PredictResponse>, kind?: string) {
    const t = totals.current;
    // 502/504 mean the backend could not be reached: tell the status badge.
    emitBackendOutcome(
      outcome.ok || (outcome.problem.status !== 502 && outcome.problem.status !== 504),
    );
    if (!outcome.ok) {
      t.errors++;
      setProblem(outcome.problem);
      setCounters({ ...t });
      return false;
    }
    setProblem(null);
    const data = outcome.data;
    latencies.current.push(outcome.latencyMs);
    emitServed({ [data.served_by]: 1 });
    const line: Record<SignalName, XY[]> = { voltage: [], current: [], frequency: [] };
    const flagged: Record<SignalName, XY[]> = { voltage: [], current: [], frequency: [] };
    const missed: Record<SignalName, XY[]> = { voltage: [], current: [], frequency: [] };
    const newRows: AnomalyRow[] = [];
    batch.forEach((reading, i) => {
      const p = data.predictions[i];
      if (!p) return;
      const x = ++seq.current;
      for (const name of SIGNAL_NAMES) {
        const point = { x, y: reading[name] };
        line[name].push(point);
        if (p.anomaly) flagged[name].push(point);
        else if (reading.anomaly) missed[name].push(point);
      }
      addVerdict(t.confusion, { flagged: p.anomaly, truth: reading.anomaly });
      if (reading.anomaly) t.labelled++;
      if (p.anomaly) {
        t.flagged++;
        newRows.push({
          seq: x,
          time: reading.timestamp,
          voltage: reading.voltage,
          current: reading.current,
          frequency: reading.frequency,
          score: p.score,
          labelled: reading.anomaly,
          kind: kind ?? reading.kind,
          reasons: p.reasons ?? [],
          servedBy: data.served_by,
        });
      }
    });
    for (const name of SIGNAL_NAMES) {
      const chart = charts.current[name];
      if (chart) {
        appendPoints(chart, {
          line: line[name],
          flagged: flagged[name],
          missed: missed[name],
          window: chartWindow,
        });
      }
    }
    scheduleDraw();
    t.points += batch.length;
    t.requests++;
    t.servedBy = data.served_by;
    t.latency = summarizeLatency(latencies.current.values());
    setCounters({ ...t, confusion: { ...t.confusion } });
    if (newRows.length > 0) setRows((old) => [...newRows.reverse(), ...old].slice(0, tableRows));
    return true;
  }

  async function sendBatch(): Promise<boolean> {
    const sim = simulator.current!;
    const batch = sim.batch(settings.current.batchSize);
    lastTime.current = Date.parse(batch[batch.length - 1].timestamp) + 1000;
    const outcome = await predict(batch.map(toReading), {
      newConnection: settings.current.newConnection,
    });
    return record(batch, outcome);
  }

  async function generate() {
    const n = settings.current.batchSize;
    const ok = await sendBatch();
    setStatus(
      ok ? `Scored one batch of ${n} readings.` : `Sending a batch of ${n} readings failed.`,
    );
  }

  async function inject() {
    const reading: LabeledReading = {
      ...EXTREME_READING,
      timestamp: new Date().toISOString(),
      anomaly: true,
      kind: null,
    };
    const outcome = await predict([toReading(reading)], {
      newConnection: settings.current.newConnection,
    });
    const flagged = outcome.ok && outcome.data.predictions[0]?.anomaly;
    record([reading], outcome, "injected extreme reading");
    setStatus(
      outcome.ok
        ? `Injected 275 V, 28 A, 50.7 Hz: ${flagged ? "flagged as an anomaly" : "not flagged"}.`
        : "Injecting the extreme reading failed.",
    );
  }

  /**
   * Send a batch every interval (fixed-rate ticks). A slow response does not
   * stall the stream: up to MAX_IN_FLIGHT requests overlap, and a tick that
   * finds them all busy is skipped rather than queued, so the page never
   * builds a backlog. After a failure the stream waits 2 s before retrying.
   */
  async function loop() {
    let next = performance.now();
    let inFlight = 0;
    let failedAt = -Infinity;
    while (streamingRef.current) {
      if (inFlight < MAX_IN_FLIGHT && performance.now() - failedAt >= RETRY_MS) {
        inFlight++;
        sendBatch().then((ok) => {
          inFlight--;
          if (!ok) failedAt = performance.now();
        });
      }
      next += settings.current.intervalMs;
      const now = performance.now();
      if (next < now) next = now;
      await sleep(next - now);
    }
  }

  function toggleStreaming() {
    if (streamingRef.current) {
      streamingRef.current = false;
      setStreaming(false);
      setStatus("Streaming stopped.");
      return;
    }
    streamingRef.current = true;
    setStreaming(true);
    setStatus("Streaming started.");
    loop();
  }

  function reset() {
    totals.current = { ...ZERO, confusion: emptyConfusion() };
    latencies.current = new RollingWindow(200);
    seq.current = 0;
    for (const c of Object.values(charts.current)) if (c) clearChart(c);
    for (const f of Object.values(figures.current)) {
      if (f) f.dataset.points = f.dataset.flagged = "0";
    }
    setCounters(ZERO);
    setRows([]);
    setStatus("Counters, charts and table cleared.");
  }

  // Sections that do not change with every response are memoized: Preact
  // skips a vnode it rendered before, so a response re-renders the counters
  // only. Handlers read the latest settings through refs, so the memoized
  // closures stay correct.
  const controlsSection = useMemo(
    () => (
      <section class="panel controls" aria-labelledby="stream-heading">
        <h2 id="stream-heading">Stream simulated readings</h2>
        <form onSubmit={(e) => e.preventDefault()}>
          <div class="field">
            <label for="batch-size">Batch size</label>
            <input
              id="batch-size"
              type="number"
              min={1}
              max={maxBatch}
              step={1}
              value={batchText}
              aria-invalid={!batchValid}
              aria-describedby="batch-size-help"
              onInput={(e) => setBatchText(e.currentTarget.value)}
            />
            <small id="batch-size-help">
              Readings per request (1–{maxBatch}){batchValid ? "" : ": out of range, clamped"}
            </small>
          </div>
          <div class="field">
            <label for="interval">Interval (seconds)</label>
            <input
              id="interval"
              type="number"
              min={0.05}
              max={60}
              step={0.05}
              value={intervalText}
              aria-invalid={!intervalValid}
              aria-describedby="interval-help"
              onInput={(e) => setIntervalText(e.currentTarget.value)}
            />
            <small id="interval-help">Time between requests while streaming (0.05–60 s)</small>
          </div>
          <div class="field">
            <label for="anomaly-rate">Anomaly rate</label>
            <input
              id="anomaly-rate"
              type="range"
              min={0}
              max={0.5}
              step={0.01}
              value={anomalyRate}
              aria-valuetext={`${Math.round(anomalyRate * 100)} %`}
              onInput={(e) => setAnomalyRate(Number(e.currentTarget.value))}
            />
            <output for="anomaly-rate" id="anomaly-rate-value">
              {Math.round(anomalyRate * 100)} %
            </output>
          </div>
          <div class="field check">
            <input
              id="new-connection"
              type="checkbox"
              checked={newConnection}
              aria-describedby="new-connection-help"
              onChange={(e) => setNewConnection(e.currentTarget.checked)}
            />
            <label for="new-connection">New connection each request</label>
            <small id="new-connection-help">
              The UI server opens a new backend connection per request, so a Kubernetes Service can
              spread requests over pods (no keep-alive pinning).
            </small>
          </div>
          <div class="buttons">
            <button type="button" onClick={generate}>Generate Batch</button>
            <button
              type="button"
              class={streaming ? "primary active" : "primary"}
              aria-pressed={streaming}
              onClick={toggleStreaming}
            >
              {streaming ? "Stop Streaming" : "Start Streaming"}
            </button>
            <button type="button" class="danger" onClick={inject}>Inject Extreme Reading</button>
            <button type="button" onClick={reset}>Reset</button>
          </div>
        </form>
        <p class="status" role="status" aria-live="polite" id="stream-status">
          {status}
        </p>
      </section>
    ),
    [batchText, intervalText, anomalyRate, newConnection, streaming, status, maxBatch],
  );

  const chartsSection = useMemo(
    () => (
      <section class="panel charts" aria-labelledby="charts-heading">
        <h2 id="charts-heading">Live signals</h2>
        <p class="muted">
          Each signal has its own scale. Shaded bands: normal operation as the backend's reasons
          define it. ▲ = flagged by the model, ✕ = labelled anomalous by the simulator but not
          flagged.
        </p>
        {SIGNAL_NAMES.map((name) => (
          <figure
            key={name}
            class="chart"
            id={`chart-${name}`}
            data-points="0"
            data-flagged="0"
            ref={(el) => {
              figures.current[name] = el;
            }}
          >
            <figcaption>{SIGNALS[name].label}</figcaption>
            <div class="canvas-box">
              <canvas
                ref={(el) => {
                  canvases.current[name] = el;
                }}
                role="img"
                aria-label={`${
                  SIGNALS[name].label
                } over the last ${chartWindow} readings, flagged anomalies marked with triangles`}
              />
            </div>
          </figure>
        ))}
      </section>
    ),
    [chartWindow],
  );

  const tableSection = useMemo(() => (
    <section class="panel" aria-labelledby="anomalies-heading">
      <h2 id="anomalies-heading">Recent anomalies</h2>
      <AnomalyTable rows={rows} />
    </section>
  ), [rows]);

  const c = counters;
  return (
    <div class="live-monitor">
      {controlsSection}

      <ProblemBanner
        id="stream-problem"
        problem={problem}
        note={streaming
          ? "Streaming continues and retries every 2 s; it recovers on its own."
          : undefined}
      />

      <section class="panel" aria-labelledby="counters-heading">
        <h2 id="counters-heading">Counters</h2>
        <dl class="stats">
          <Stat id="stat-points" label="Points" value={c.points} />
          <Stat id="stat-requests" label="Requests" value={c.requests} />
          <Stat id="stat-flagged" label="Flagged anomalies" value={c.flagged} />
          <Stat id="stat-labelled" label="True anomalies (labels)" value={c.labelled} />
          <Stat id="stat-precision" label="Precision" value={formatRatio(precision(c.confusion))} />
          <Stat id="stat-recall" label="Recall" value={formatRatio(recall(c.confusion))} />
          <Stat id="stat-latency-avg" label="Latency avg" value={formatMs(c.latency.avg)} />
          <Stat id="stat-latency-p95" label="Latency p95" value={formatMs(c.latency.p95)} />
          <Stat id="stat-latency-p99" label="Latency p99" value={formatMs(c.latency.p99)} />
          <Stat id="stat-errors" label="Failed requests" value={c.errors} />
        </dl>
        <p class="muted">
          Latency: round trip browser → UI server → backend over the last{" "}
          {latencies.current.values().length}{" "}
          requests. Precision = flagged readings that are labelled anomalous; recall = labelled
          anomalies that were flagged.
        </p>
      </section>

      {chartsSection}

      {tableSection}
    </div>
  );
}
