/**
 * The one definition of the model config's settings: for each, its field,
 * environment variable, command-line flag, default and range. The server
 * (`backend/config.ts`), the trainer (`tools/cli/train.ts`) and artifact
 * validation all read it, so a model one of them accepts the others accept
 * too. Pure TypeScript.
 */
import type { ModelConfig } from "./types.ts";
import { assertInRange, type Range } from "../../lib/ranges.ts";

/** One model setting; its range is a {@link Range}, checked and worded by `lib/ranges.ts`. */
export interface ModelSettingSpec extends Range {
  /** Field of {@link ModelConfig}. */
  key: keyof ModelConfig;
  /** Environment variable read by the server and the trainer. */
  env: string;
  /** The trainer's flag, without dashes. */
  flag: string;
  /** Name in messages about artifacts and configs, e.g. "Tree count (nEstimators)". */
  label: string;
  /** What it does, for help texts. */
  description: string;
  default: number;
  min: number;
  max: number;
  integer: boolean;
}

/** Every model setting, in the order of {@link ModelConfig}. */
export const MODEL_SETTINGS: readonly ModelSettingSpec[] = Object.freeze([
  {
    key: "contamination",
    env: "CONTAMINATION",
    flag: "contamination",
    label: "Contamination",
    description: "expected anomaly share, the threshold quantile",
    default: 0.05,
    min: 0,
    max: 0.5,
    integer: false,
    exclusiveMin: true,
  },
  {
    key: "nEstimators",
    env: "N_ESTIMATORS",
    flag: "n-estimators",
    label: "Tree count (nEstimators)",
    description: "trees",
    default: 200,
    min: 1,
    max: 10_000,
    integer: true,
  },
  {
    key: "sampleSize",
    env: "SAMPLE_SIZE",
    flag: "sample-size",
    label: "Sample size",
    description: "readings per tree (at most the training size is used)",
    default: 256,
    min: 2,
    max: 1_000_000,
    integer: true,
  },
  {
    key: "seed",
    env: "SEED",
    flag: "seed",
    label: "Seed",
    description: "seed for data and trees",
    default: 42,
    min: 0,
    max: 0xffff_ffff,
    integer: true,
  },
  {
    key: "trainingSize",
    env: "TRAINING_SIZE",
    flag: "training-size",
    label: "Training size",
    description: "simulated normal readings",
    default: 10_000,
    min: 2,
    max: 10_000_000,
    integer: true,
  },
]);

/** The workshop's model configuration (the defaults above). */
export const DEFAULT_MODEL_CONFIG: Readonly<ModelConfig> = Object.freeze(
  Object.fromEntries(MODEL_SETTINGS.map((s) => [s.key, s.default])) as unknown as ModelConfig,
);

/** The setting for `key`. */
export function modelSetting(key: keyof ModelConfig): ModelSettingSpec {
  return MODEL_SETTINGS.find((s) => s.key === key)!;
}

/** Check every field of a model config; throws RangeError naming the first bad field and value. */
export function validateModelConfig(config: ModelConfig): ModelConfig {
  for (const spec of MODEL_SETTINGS) assertInRange({ ...spec, name: spec.label }, config[spec.key]);
  return config;
}

/** True when `a` and `b` agree on every model setting (extra fields an artifact's config carries are ignored). */
export function sameModelConfig(a: ModelConfig, b: ModelConfig): boolean {
  return MODEL_SETTINGS.every((s) => a[s.key] === b[s.key]);
}
