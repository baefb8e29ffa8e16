/** The loaded model's metadata from `GET /model`, as a definition list. */
import type { JSX } from "preact";
import type { DetectorInfo } from "../../lib/contract.ts";

/** Props of {@link ModelInfoView}. */
export interface ModelInfoViewProps {
  info: DetectorInfo | null;
  /** Shown instead of "not loaded yet" when the backend cannot provide the information. */
  unavailable?: string | undefined;
}

function fmt(value: unknown): string {
  if (typeof value === "number") {
    return Number.isInteger(value) ? String(value) : value.toPrecision(4);
  }
  return String(value);
}

/** The settings that make this kind of detector what it is. */
function configRows(info: DetectorInfo): JSX.Element {
  if (info.name === "temporal_window") {
    return (
      <>
        <dt>Window</dt>
        <dd>{info.config.window} readings per meter</dd>
      </>
    );
  }
  const c = info.config;
  return (
    <>
      <dt>Trees × sample size</dt>
      <dd>
        {c.nEstimators} × {c.sampleSize}
      </dd>
      <dt>Seed, training size</dt>
      <dd>
        {c.seed}, {c.trainingSize}
      </dd>
    </>
  );
}

/** Name, version, features, config, threshold and source of the model; a note when unknown. */
export function ModelInfoView({ info, unavailable }: ModelInfoViewProps): JSX.Element {
  if (!info) {
    return (
      <p class="muted" id="model-info">{unavailable ?? "Model information not loaded yet."}</p>
    );
  }
  return (
    <dl class="model-info" id="model-info">
      <dt>Model</dt>
      <dd>{info.name}</dd>
      <dt>Version</dt>
      <dd>
        <code>{info.version}</code>
      </dd>
      <dt>Features</dt>
      <dd>{info.features.join(", ")}</dd>
      <dt>Contamination</dt>
      <dd>{fmt(info.config.contamination)}</dd>
      {configRows(info)}
      <dt>Threshold</dt>
      <dd>{fmt(info.threshold)}</dd>
      <dt>Source</dt>
      <dd>{info.source}</dd>
    </dl>
  );
}
