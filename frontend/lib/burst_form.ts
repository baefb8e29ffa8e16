/**
 * The burst form's fields and the conversion between a {@link BurstSpec} and
 * what the inputs show (the pause in seconds, the spec in milliseconds).
 */
import type { BurstSpec } from "./burst_spec.ts";

/** A numeric field of the burst spec. */
export type BurstField = Exclude<keyof BurstSpec, "newConnection">;

/** One input of the form; `scale` converts what is typed into the spec's unit. */
export interface BurstFieldSpec {
  key: BurstField;
  label: string;
  help: string;
  step: number;
  scale?: number;
}

/** The form's inputs, in order. */
export const BURST_FIELDS: readonly BurstFieldSpec[] = [
  { key: "requests", label: "Requests per cycle", help: "N requests", step: 1 },
  { key: "concurrency", label: "Concurrency", help: "requests in flight at once", step: 1 },
  { key: "cycles", label: "Cycles", help: "times the N requests are sent", step: 1 },
  {
    key: "pauseMs",
    label: "Pause between cycles (s)",
    help: "wait between cycles",
    step: 0.1,
    scale: 1000,
  },
  { key: "batchSize", label: "Burst batch size", help: "readings per request", step: 1 },
  { key: "anomalyRate", label: "Burst anomaly rate", help: "0–1", step: 0.01 },
];

/** The inputs' text for `spec` (the pause in seconds). */
export function formValues(spec: BurstSpec): Record<BurstField, string> {
  const out = {} as Record<BurstField, string>;
  for (const f of BURST_FIELDS) out[f.key] = String(spec[f.key] / (f.scale ?? 1));
  return out;
}

/**
 * The request body for what the inputs show: numbers in the spec's units, the
 * pause rounded to whole milliseconds. Text that is not a number stays NaN,
 * which JSON sends as null and the server refuses naming the field.
 */
export function specFromForm(
  values: Record<BurstField, string>,
  newConnection: boolean,
): Record<string, unknown> {
  const spec: Record<string, unknown> = { newConnection };
  for (const f of BURST_FIELDS) spec[f.key] = Number(values[f.key]) * (f.scale ?? 1);
  spec.pauseMs = Math.round(spec.pauseMs as number);
  return spec;
}
