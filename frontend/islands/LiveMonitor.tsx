/**
 * The streaming island: a thin view over `lib/live_stream.ts`. It owns the
 * controls' state and the chart.js instances; the stream (simulation,
 * scoring, counters, the loop) reports through a view that sets state or
 * appends to the charts. New data is appended in place; the sections that do
 * not change with each response are memoized, so a response re-renders the
 * counters only.
 */
import type { JSX } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { type AnomalyRow, AnomalyTable, type FeedbackState } from "../components/AnomalyTable.tsx";
import { ProblemBanner } from "../components/ProblemBanner.tsx";
import { SignalCharts } from "../components/SignalCharts.tsx";
import { StreamControls } from "../components/StreamControls.tsx";
import { StreamCounters } from "../components/StreamCounters.tsx";
import { predict, type Problem } from "../lib/api.ts";
import { postFeedback, postLabels } from "../lib/models_api.ts";
import { emitBackendOutcome, emitServed } from "../lib/bus.ts";
import { SIGNALS } from "../lib/charts.ts";
import { LiveStream, SIGNAL_NAMES, type SignalName, zeroCounters } from "../lib/live_stream.ts";
import { SignalChartSet } from "../lib/signal_chart_set.ts";

/** Starting values of the controls. */
export interface StreamDefaults {
  batchSize: number;
  /** Milliseconds between requests while streaming. */
  intervalMs: number;
  /** Share of simulated readings that are anomalous, in [0, 1]. */
  anomalyRate: number;
  newConnection: boolean;
}

/** Props of {@link LiveMonitor} (plain JSON). */
export interface LiveMonitorProps {
  defaults: StreamDefaults;
  /** Largest batch the control offers: the backend's MAX_BATCH when the UI server learned it. */
  maxBatch: number;
  /** Where `maxBatch` comes from, shown beside the control. */
  maxBatchNote: string;
  /** Points kept on each chart. */
  chartWindow: number;
  /** Rows kept in the anomalies table. */
  tableRows: number;
}

/** Least time between two chart redraws. */
const DRAW_EVERY_MS = 200;
const LABELS = Object.fromEntries(SIGNAL_NAMES.map((n) => [n, SIGNALS[n].label])) as Record<
  SignalName,
  string
>;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Controls, charts, counters and anomalies of the live stream. */
export default function LiveMonitor(
  { defaults, maxBatch, maxBatchNote, chartWindow, tableRows }: LiveMonitorProps,
): JSX.Element {
  const [batchText, setBatchText] = useState(String(defaults.batchSize));
  const [intervalText, setIntervalText] = useState(String(defaults.intervalMs / 1000));
  const [anomalyRate, setAnomalyRate] = useState(defaults.anomalyRate);
  const [newConnection, setNewConnection] = useState(defaults.newConnection);
  const [streaming, setStreaming] = useState(false);
  const [counters, setCounters] = useState(zeroCounters);
  const [rows, setRows] = useState<AnomalyRow[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [status, setStatus] = useState("Idle.");
  const [feedback, setFeedback] = useState<Record<number, FeedbackState>>({});
  const [failures, setFailures] = useState<Record<number, string>>({});

  const batchSize = Number(batchText);
  const batchValid = Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= maxBatch;
  const intervalS = Number(intervalText);
  const intervalValid = Number.isFinite(intervalS) && intervalS >= 0.05 && intervalS <= 60;
  // The stream reads the latest settings through a ref, so changing a control
  // while streaming takes effect on the next request.
  const settings = useRef({ batchSize: 1, intervalMs: 1_000, newConnection });
  settings.current = {
    batchSize: batchValid ? batchSize : clamp(Math.round(batchSize) || 1, 1, maxBatch),
    intervalMs: (intervalValid ? intervalS : clamp(intervalS || 1, 0.05, 60)) * 1000,
    newConnection,
  };

  const charts = useRef<SignalChartSet | null>(null);
  charts.current ??= new SignalChartSet(chartWindow, DRAW_EVERY_MS);
  const c = charts.current;
  const stream = useRef<LiveStream | null>(null);
  stream.current ??= new LiveStream({
    predict,
    settings: () => settings.current,
    tableRows,
    anomalyRate: defaults.anomalyRate,
    onBackendOutcome: emitBackendOutcome,
    onServed: emitServed,
    view: {
      counters: setCounters,
      rows: setRows,
      problem: setProblem,
      status: setStatus,
      streaming: setStreaming,
      points: (points) => c.append(points),
      cleared: () => c.clear(),
    },
  });
  const s = stream.current;

  useEffect(() => {
    c.mount();
    return () => {
      s.dispose();
      c.destroy();
    };
  }, []);

  const controls = useMemo(() => (
    <StreamControls
      {...{ batchText, batchValid, maxBatch, maxBatchNote, intervalText, intervalValid }}
      {...{ anomalyRate }}
      {...{ newConnection, streaming, status }}
      onBatch={setBatchText}
      onInterval={setIntervalText}
      onAnomalyRate={(rate) => {
        setAnomalyRate(rate);
        s.setAnomalyRate(rate);
      }}
      onNewConnection={setNewConnection}
      onGenerate={() => s.generate()}
      onToggle={() => s.toggle()}
      onInject={() => s.inject()}
      onReset={() => s.reset()}
    />
  ), [
    batchText,
    intervalText,
    anomalyRate,
    newConnection,
    streaming,
    status,
    maxBatch,
    maxBatchNote,
  ]);
  const chartsSection = useMemo(() => (
    <SignalCharts
      labels={LABELS}
      chartWindow={chartWindow}
      figureRef={c.figureRef}
      canvasRef={c.canvasRef}
    />
  ), [chartWindow]);
  // An operator's verdict on a flagged reading: stored by its prediction_id (once, however often
  // it is clicked); a backend without ids gets the reading itself.
  const label = async (row: AnomalyRow, anomaly: boolean) => {
    setFeedback((f) => ({ ...f, [row.seq]: "sending" }));
    const { voltage, current, frequency } = row;
    const out = row.predictionId
      ? await postLabels([{ prediction_id: row.predictionId, anomaly }])
      : await postFeedback([{ voltage, current, frequency, anomaly }]);
    setFeedback((f) => ({
      ...f,
      [row.seq]: out.ok ? (anomaly ? "confirmed" : "dismissed") : "failed",
    }));
    // Say why (a FEEDBACK_TOKEN the UI does not hold, a rate limit): "try again" would not help.
    if (!out.ok) setFailures((f) => ({ ...f, [row.seq]: out.problem.detail }));
  };
  const table = useMemo(() => (
    <section class="panel" aria-labelledby="anomalies-heading">
      <h2 id="anomalies-heading">Recent anomalies</h2>
      <AnomalyTable rows={rows} feedback={feedback} onFeedback={label} failures={failures} />
    </section>
  ), [rows, feedback, failures]);

  return (
    <div class="live-monitor">
      {controls}
      <ProblemBanner
        id="stream-problem"
        problem={problem}
        note={streaming
          ? "Streaming continues and retries every 2 s; it recovers on its own."
          : undefined}
      />
      <StreamCounters counters={counters} latencyCount={s.latencyCount} />
      {chartsSection}
      {table}
    </div>
  );
}
