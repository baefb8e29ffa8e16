/** The loaded model's metadata from `GET /model`, as a definition list. */
import type { JSX } from "preact";
import type { ModelInfo } from "../../backend/detector/types.ts";

/** Props of {@link ModelInfoView}. */
export interface ModelInfoViewProps {
  info: ModelInfo | null;
  /** Shown instead of "not loaded yet" when the backend cannot provide the information. */
  unavailable?: string;
}

function fmt(value: unknown): string {
  if (typeof value === "number") {
    return Number.isInteger(value) ? String(value) : value.toPrecision(4);
  }
  return String(value);
}

/** Name, version, features, config, threshold and source of the model; a note when unknown. */
export function ModelInfoView({ info, unavailable }: ModelInfoViewProps): JSX.Element {
  if (!info) {
    return (
      <p class="muted" id="model-info">{unavailable ?? "Model information not loaded yet."}</p>
    );
  }
  const c = info.config;
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
      <dd>{fmt(c.contamination)}</dd>
      <dt>Trees × sample size</dt>
      <dd>
        {c.nEstimators} × {c.sampleSize}
      </dd>
      <dt>Seed, training size</dt>
      <dd>
        {c.seed}, {c.trainingSize}
      </dd>
      <dt>Threshold</dt>
      <dd>{fmt(info.threshold)}</dd>
      <dt>Source</dt>
      <dd>{info.source}</dd>
    </dl>
  );
}
