/** The live stream's controls (the original UI's sidebar) and its status line. */
import type { JSX } from "preact";

/** Props of {@link StreamControls}: the controls' text as typed, and what each button does. */
export interface StreamControlsProps {
  batchText: string;
  batchValid: boolean;
  maxBatch: number;
  /** Where `maxBatch` comes from (e.g. "the backend's MAX_BATCH"). */
  maxBatchNote: string;
  intervalText: string;
  intervalValid: boolean;
  anomalyRate: number;
  newConnection: boolean;
  streaming: boolean;
  status: string;
  onBatch: (text: string) => void;
  onInterval: (text: string) => void;
  onAnomalyRate: (rate: number) => void;
  onNewConnection: (on: boolean) => void;
  onGenerate: () => void;
  onToggle: () => void;
  onInject: () => void;
  onReset: () => void;
}

/** Props of {@link NumberField}. */
export interface NumberFieldProps {
  id: string;
  label: string;
  min: number;
  max: number;
  step: number;
  /** The value as typed. */
  text: string;
  valid: boolean;
  help: string;
  onInput: (text: string) => void;
}

/** A labelled number input with its help line, marked invalid when out of range. */
export function NumberField(p: NumberFieldProps): JSX.Element {
  return (
    <div class="field">
      <label for={p.id}>{p.label}</label>
      <input
        id={p.id}
        type="number"
        min={p.min}
        max={p.max}
        step={p.step}
        value={p.text}
        aria-invalid={!p.valid}
        aria-describedby={`${p.id}-help`}
        onInput={(e) => p.onInput(e.currentTarget.value)}
      />
      <small id={`${p.id}-help`}>{p.help}</small>
    </div>
  );
}

/** Batch size, interval, anomaly rate, new-connection switch, the four buttons and the status. */
export function StreamControls(p: StreamControlsProps): JSX.Element {
  return (
    <section class="panel controls" aria-labelledby="stream-heading">
      <h2 id="stream-heading">Stream simulated readings</h2>
      <form onSubmit={(e) => e.preventDefault()}>
        <NumberField
          id="batch-size"
          label="Batch size"
          min={1}
          max={p.maxBatch}
          step={1}
          text={p.batchText}
          valid={p.batchValid}
          onInput={p.onBatch}
          help={`Readings per request (1–${p.maxBatch}, ${p.maxBatchNote})${
            p.batchValid ? "" : ": out of range, clamped"
          }`}
        />
        <NumberField
          id="interval"
          label="Interval (seconds)"
          min={0.05}
          max={60}
          step={0.05}
          text={p.intervalText}
          valid={p.intervalValid}
          onInput={p.onInterval}
          help="Time between requests while streaming (0.05–60 s)"
        />
        <div class="field">
          <label for="anomaly-rate">Anomaly rate</label>
          <input
            id="anomaly-rate"
            type="range"
            min={0}
            max={0.5}
            step={0.01}
            value={p.anomalyRate}
            aria-valuetext={`${Math.round(p.anomalyRate * 100)} %`}
            onInput={(e) => p.onAnomalyRate(Number(e.currentTarget.value))}
          />
          <output for="anomaly-rate" id="anomaly-rate-value">
            {Math.round(p.anomalyRate * 100)} %
          </output>
        </div>
        <div class="field check">
          <input
            id="new-connection"
            type="checkbox"
            checked={p.newConnection}
            aria-describedby="new-connection-help"
            onChange={(e) => p.onNewConnection(e.currentTarget.checked)}
          />
          <label for="new-connection">New connection each request</label>
          <small id="new-connection-help">
            The UI server opens a new backend connection per request, so a Kubernetes Service can
            spread requests over pods (no keep-alive pinning).
          </small>
        </div>
        <div class="buttons">
          <button type="button" onClick={p.onGenerate}>Generate Batch</button>
          <button
            type="button"
            class={p.streaming ? "primary active" : "primary"}
            aria-pressed={p.streaming}
            onClick={p.onToggle}
          >
            {p.streaming ? "Stop Streaming" : "Start Streaming"}
          </button>
          <button type="button" class="danger" onClick={p.onInject}>Inject Extreme Reading</button>
          <button type="button" onClick={p.onReset}>Reset</button>
        </div>
      </form>
      <p class="status" role="status" aria-live="polite" id="stream-status">
        {p.status}
      </p>
    </section>
  );
}
