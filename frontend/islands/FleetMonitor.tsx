/**
 * The fleet island, the first screen: a thin view over `lib/fleet_stream.ts`
 * (the feed, scoring with context, the counts and the loop). It owns the
 * controls' state and renders the detection quality and the meters.
 */
import type { JSX } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { FleetStats } from "../components/FleetStats.tsx";
import { MeterGrid } from "../components/MeterGrid.tsx";
import { ProblemBanner } from "../components/ProblemBanner.tsx";
import { NumberField } from "../components/StreamControls.tsx";
import { callJson, predict, type Problem } from "../lib/api.ts";
import { emitBackendOutcome, emitServed } from "../lib/bus.ts";
import { FleetFeed } from "../lib/fleet_feed.ts";
import { FleetStream, type ServedModel } from "../lib/fleet_stream.ts";
import { emptyTally } from "../lib/fleet_tally.ts";
import type { MeterView } from "../lib/meter_board.ts";
import type { DetectorInfo } from "../../lib/contract.ts";

/** Props of {@link FleetMonitor} (plain JSON). */
export interface FleetMonitorProps {
  /** Seed of the simulated stream (the server picks one per page). */
  seed: number;
  meters: number;
  /** Simulated milliseconds between a meter's readings. */
  intervalMs: number;
  /** Mean normal readings between two events of a meter. */
  meanGap: number;
  defaults: {
    /** Readings per meter per request: the stream's speed. */
    perMeter: number;
    /** Milliseconds between requests. */
    requestMs: number;
  };
  /** Largest batch the backend takes (MAX_BATCH); readings and context are each capped by it. */
  maxBatch: number;
  /** Points each meter's sparklines keep. */
  keep: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Fleet controls, detection quality and the meters. */
export default function FleetMonitor(p: FleetMonitorProps): JSX.Element {
  // Each request holds every meter's next readings: at most MAX_BATCH of them.
  const maxPerMeter = Math.max(1, Math.min(64, Math.floor(p.maxBatch / p.meters)));
  const [speedText, setSpeedText] = useState(String(Math.min(p.defaults.perMeter, maxPerMeter)));
  const [intervalText, setIntervalText] = useState(String(p.defaults.requestMs / 1000));
  const [streaming, setStreaming] = useState(false);
  const [tally, setTally] = useState(emptyTally);
  const [meters, setMeters] = useState<MeterView[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [status, setStatus] = useState("Idle.");
  const [model, setModel] = useState<ServedModel | null>(null);
  const [target, setTarget] = useState("meter-01");

  const speed = Number(speedText);
  const speedValid = Number.isInteger(speed) && speed >= 1 && speed <= maxPerMeter;
  const intervalS = Number(intervalText);
  const intervalValid = Number.isFinite(intervalS) && intervalS >= 0.1 && intervalS <= 60;
  const settings = useRef({ perMeter: 1, intervalMs: 500 });
  settings.current = {
    perMeter: speedValid ? speed : clamp(Math.round(speed) || 1, 1, maxPerMeter),
    intervalMs: (intervalValid ? intervalS : clamp(intervalS || 0.5, 0.1, 60)) * 1000,
  };

  const stream = useRef<FleetStream | null>(null);
  stream.current ??= new FleetStream({
    feed: new FleetFeed({
      seed: p.seed,
      meters: p.meters,
      intervalMs: p.intervalMs,
      meanGap: p.meanGap,
    }),
    predict: (readings, context) => predict(readings, { context }),
    modelInfo: () => callJson<DetectorInfo>("/api/model"),
    settings: () => settings.current,
    keep: p.keep,
    onBackendOutcome: emitBackendOutcome,
    onServed: emitServed,
    view: {
      tally: setTally,
      meters: setMeters,
      problem: setProblem,
      status: setStatus,
      streaming: setStreaming,
      model: setModel,
    },
  });
  const s = stream.current;
  const ids = s.meterIds;

  useEffect(() => {
    void s.refreshModel();
    return () => s.dispose();
  }, []);

  const controls = useMemo(() => (
    <section class="panel controls" aria-labelledby="fleet-heading">
      <h2 id="fleet-heading">Stream a fleet of meters</h2>
      <p class="muted" id="fleet-about">
        {p.meters} simulated meters, one reading every {p.intervalMs / 1000}{" "}
        s of simulated time, with sustained sags and swells, drift, stuck sensors, oscillation and
        frequency ramps (seed{" "}
        <code id="fleet-seed" data-value={String(p.seed)}>{p.seed}</code>). Served model:{" "}
        <code id="fleet-model" data-name={model?.name ?? ""}>
          {model ? `${model.name} ${model.version}` : "…"}
        </code>
        {model && model.name !== "temporal_window"
          ? (
            <strong class="warn">
              {" "}This view is made for the temporal detector: start the backend with
              DETECTOR=temporal_window.
            </strong>
          )
          : null}
      </p>
      <form onSubmit={(e) => e.preventDefault()}>
        <NumberField
          id="fleet-speed"
          label="Readings per meter per request"
          min={1}
          max={maxPerMeter}
          step={1}
          text={speedText}
          valid={speedValid}
          onInput={setSpeedText}
          help={`Speed of the simulated clock: each request moves it by this many readings (1–${maxPerMeter})${
            speedValid ? "" : ": out of range, clamped"
          }`}
        />
        <NumberField
          id="fleet-interval"
          label="Interval (seconds)"
          min={0.1}
          max={60}
          step={0.1}
          text={intervalText}
          valid={intervalValid}
          onInput={setIntervalText}
          help="Time between requests while streaming (0.1–60 s)"
        />
        <div class="field">
          <label for="fleet-target">Meter for the extreme reading</label>
          <select
            id="fleet-target"
            value={target}
            onChange={(e) => setTarget(e.currentTarget.value)}
          >
            {ids.map((id) => <option key={id} value={id}>{id}</option>)}
          </select>
        </div>
        <div class="buttons">
          <button
            type="button"
            class={streaming ? "primary active" : "primary"}
            aria-pressed={streaming}
            onClick={() => s.toggle()}
          >
            {streaming ? "Stop Streaming" : "Start Streaming"}
          </button>
          <button type="button" class="danger" onClick={() => void s.inject(target)}>
            Inject Extreme Reading
          </button>
          <button type="button" onClick={() => s.reset()}>Reset</button>
        </div>
      </form>
      <p class="status" role="status" aria-live="polite" id="fleet-status">{status}</p>
    </section>
  ), [speedText, intervalText, streaming, status, model, target]);

  return (
    <div class="fleet-monitor">
      {controls}
      <ProblemBanner
        id="fleet-problem"
        problem={problem}
        note={streaming
          ? "Streaming continues and retries every 2 s; it recovers on its own."
          : undefined}
      />
      <FleetStats tally={tally} />
      <MeterGrid meters={meters.length > 0 ? meters : s.views()} keep={p.keep} />
    </div>
  );
}
