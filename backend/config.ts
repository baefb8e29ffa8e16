/**
 * The backend's configuration: the only module that reads environment
 * variables. Every value is validated at start-up; a bad value stops the
 * process with a message naming the variable, instead of surfacing later as
 * a confusing runtime error.
 */
import { MODEL_SETTINGS, type ModelConfig } from "./detector/mod.ts";
import { type Level, printError } from "../lib/logger.ts";
import { parseInRange, type Range } from "../lib/ranges.ts";

/** Validated backend configuration. */
export interface Config {
  host: string;
  port: number;
  /**
   * Port of the probe listener (`PROBE_PORT`): `/health` and `/ready` answered
   * from a thread of their own, whatever the serving isolates are doing; null
   * (unset) runs none. 0 picks a free port.
   */
  probePort: number | null;
  /** Server isolates sharing the port (SO_REUSEPORT); metrics are aggregated across them. */
  workers: number;
  modelDir: string;
  modelName: string;
  /** Which detector the service serves and trains into an empty store (`DETECTOR`). */
  detector: DetectorKind;
  trainIfMissing: boolean;
  model: ModelConfig;
  /** Feeder rating in amperes that current reasons compare against. */
  ratedCurrent: number;
  /** Most readings accepted in one `/predict` request. */
  maxBatch: number;
  /** Most request-body bytes accepted, however the body is framed. */
  maxBodyBytes: number;
  /** Concurrent `/predict` requests per worker before shedding load with 503. */
  maxInflight: number;
  /** Request body bytes admitted at once by the whole process (all workers) before shedding with 503. */
  maxBodyBytesInFlight: number;
  /** The share of {@link maxBodyBytesInFlight} each worker admits. */
  bodyBytesInFlightPerWorker: number;
  /** Time allowed to receive a request body before answering 408. */
  bodyTimeoutMs: number;
  /** Seconds `/ready` reports 503 before the listener closes on SIGTERM. */
  drainDelaySeconds: number;
  /** Seconds after the drain delay before in-flight work is abandoned and the process exits. */
  shutdownDeadlineSeconds: number;
  /** After the drain delay, milliseconds without a new request before the listener closes. */
  shutdownQuietMs: number;
  /** Identity shown in `served_by` and logs. */
  podName: string;
  nodeName: string | null;
  logLevel: Level;
  /**
   * Named bearer tokens of the admin endpoints (`ADMIN_TOKENS=name:token,...`,
   * and `ADMIN_TOKEN` as the one named "admin"); empty turns them off (403).
   * The name is the actor in the alias history and logs; tokens are never logged.
   */
  adminTokens: AdminToken[];
  /** Seconds between polls of the registry's alias files (`MODEL_POLL_S`): the convergence bound. */
  modelPollSeconds: number;
  /** Registered versions kept besides aliased ones (`MODEL_RETENTION`). */
  modelRetention: number;
  /** Share of requests the challenger scores in the shadow (`SHADOW_RATE`). */
  shadowRate: number;
  /** Most readings waiting for shadow scoring, per worker (`SHADOW_QUEUE`). */
  shadowQueue: number;
  /** Most readings the drift window holds, per worker (`DRIFT_WINDOW`). */
  driftWindow: number;
  /** The drift tests: window in readings and time, verdict thresholds (`DRIFT_*`). */
  drift: DriftConfig;
  /** The label store's SQLite file (`LABELS_DB`, default `MODEL_DIR/labels.db`). */
  labelsDb: string;
  /** Bearer token `POST /feedback` requires (`FEEDBACK_TOKEN`); null: open. Never logged. */
  feedbackToken: string | null;
  /** Most labels in one `POST /feedback`, and a client's burst (`FEEDBACK_MAX_LABELS`). */
  feedbackMaxLabels: number;
  /** Labels per second one client may post, per worker (`FEEDBACK_RATE`). */
  feedbackRate: number;
  /** The canary guard's band and window (`CANARY_*`). */
  canary: {
    windowSeconds: number;
    maxErrorRate: number;
    maxP99Ratio: number;
    maxAnomalyRatio: number;
    minRequests: number;
  };
}

/** The drift tests' settings (`backend/mlops/drift_check.ts` takes them as `DriftSettings`). */
export interface DriftConfig {
  /** Most readings in the window (`DRIFT_WINDOW`). */
  capacity: number;
  /** Oldest reading the window keeps, seconds (`DRIFT_WINDOW_S`). */
  maxAgeSeconds: number;
  /** Fewest readings that give a verdict (`DRIFT_MIN_READINGS`). */
  minReadings: number;
  /** Family-wise significance level of the tests (`DRIFT_ALPHA`). */
  alpha: number;
  /** Smallest KS statistic that counts as drift (`DRIFT_MIN_KS`). */
  minStatistic: number;
}

/** Raised when one or more environment variables are invalid; the message lists them all. */
export class ConfigError extends Error {
  /** One line per invalid variable. */
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Environment variables as a plain record (so tests need not touch the real environment). */
export type Env = Record<string, string | undefined>;

/** The detectors `DETECTOR` can name. */
export const DETECTOR_KINDS = ["isolation_forest", "temporal_window"] as const;

/** One of {@link DETECTOR_KINDS}. */
export type DetectorKind = typeof DETECTOR_KINDS[number];

/** Artifact file name when `MODEL_NAME` is not set, per detector. */
export const DEFAULT_MODEL_NAMES: Readonly<Record<DetectorKind, string>> = Object.freeze({
  isolation_forest: "isolation_forest.json",
  temporal_window: "temporal_window.json",
});

/** Defaults for every variable but the model's (those are in `detector/model_config.ts`). */
export const DEFAULTS = {
  PORT: 8000,
  HOST: "0.0.0.0",
  WORKERS: 1,
  MODEL_DIR: "models",
  MODEL_NAME: DEFAULT_MODEL_NAMES.isolation_forest,
  DETECTOR: "isolation_forest" as DetectorKind,
  TRAIN_IF_MISSING: true,
  RATED_CURRENT: 16,
  MAX_BATCH: 5_000,
  MAX_BODY_BYTES: 1_048_576,
  MAX_INFLIGHT: 256,
  MAX_BODY_BYTES_IN_FLIGHT: 16_777_216,
  BODY_TIMEOUT_MS: 10_000,
  DRAIN_DELAY_S: 5,
  SHUTDOWN_DEADLINE_S: 10,
  SHUTDOWN_QUIET_MS: 100,
  LOG_LEVEL: "info" as Level,
  MODEL_POLL_S: 5,
  MODEL_RETENTION: 10,
  SHADOW_RATE: 1,
  SHADOW_QUEUE: 10_000,
  DRIFT_WINDOW: 5_000,
  DRIFT_WINDOW_S: 300,
  DRIFT_MIN_READINGS: 500,
  DRIFT_ALPHA: 0.01,
  DRIFT_MIN_KS: 0.15,
  FEEDBACK_MAX_LABELS: 100,
  FEEDBACK_RATE: 20,
  CANARY_WINDOW_S: 60,
  CANARY_MAX_ERROR_RATE: 0.02,
  CANARY_MAX_P99_RATIO: 2,
  CANARY_MAX_ANOMALY_RATIO: 1.5,
  CANARY_MIN_REQUESTS: 200,
} as const;

/** The numeric variables. */
export type NumericVariable = {
  [K in keyof typeof DEFAULTS]: (typeof DEFAULTS)[K] extends number ? K : never;
}[keyof typeof DEFAULTS];

/** The allowed values of each numeric variable (the trainer checks `MODEL_RETENTION` against it too). */
export const RANGES: Readonly<Record<NumericVariable, Range>> = Object.freeze({
  PORT: { min: 0, max: 65_535, integer: true },
  WORKERS: { min: 1, max: 64, integer: true },
  RATED_CURRENT: { min: 0, max: 1e6, exclusiveMin: true },
  MAX_BATCH: { min: 1, max: 1_000_000, integer: true },
  MAX_BODY_BYTES: { min: 1_024, max: 1_073_741_824, integer: true },
  MAX_INFLIGHT: { min: 1, max: 100_000, integer: true },
  MAX_BODY_BYTES_IN_FLIGHT: { min: 1_024, max: 68_719_476_736, integer: true },
  BODY_TIMEOUT_MS: { min: 1, max: 600_000, integer: true },
  DRAIN_DELAY_S: { min: 0, max: 600 },
  SHUTDOWN_DEADLINE_S: { min: 0, max: 600 },
  SHUTDOWN_QUIET_MS: { min: 0, max: 60_000, integer: true },
  MODEL_POLL_S: { min: 0.1, max: 3_600 },
  MODEL_RETENTION: { min: 1, max: 1_000, integer: true },
  SHADOW_RATE: { min: 0, max: 1 },
  SHADOW_QUEUE: { min: 1, max: 1_000_000, integer: true },
  DRIFT_WINDOW: { min: 100, max: 1_000_000, integer: true },
  DRIFT_WINDOW_S: { min: 10, max: 86_400 },
  DRIFT_MIN_READINGS: { min: 10, max: 1_000_000, integer: true },
  DRIFT_ALPHA: { min: 0, max: 0.5, exclusiveMin: true },
  DRIFT_MIN_KS: { min: 0, max: 1 },
  FEEDBACK_MAX_LABELS: { min: 1, max: 10_000, integer: true },
  FEEDBACK_RATE: { min: 0.01, max: 100_000 },
  CANARY_WINDOW_S: { min: 1, max: 86_400 },
  CANARY_MAX_ERROR_RATE: { min: 0, max: 1 },
  CANARY_MAX_P99_RATIO: { min: 1, max: 1_000 },
  CANARY_MAX_ANOMALY_RATIO: { min: 1, max: 1_000 },
  CANARY_MIN_REQUESTS: { min: 1, max: 1_000_000, integer: true },
});

/** Shortest `ADMIN_TOKEN` accepted: a short token is guessable over the network. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/** One named admin credential. */
export interface AdminToken {
  /** Who holds it, e.g. "alice" or "ci": recorded as the actor of every change made with it. */
  name: string;
  token: string;
}

const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

/** `ADMIN_TOKEN` (named "admin") and `ADMIN_TOKENS=name:token,...`, validated into `problems`. */
function adminTokens(env: Env, problems: string[]): AdminToken[] {
  const tokens: AdminToken[] = [];
  const check = (variable: string, name: string, token: string) => {
    if (!/^[\x21-\x7e]+$/.test(token) || token.includes(",")) {
      problems.push(
        `${variable} must be printable ASCII without spaces or commas (value not shown)`,
      );
    } else if (token.length < MIN_ADMIN_TOKEN_LENGTH) {
      problems.push(
        `${variable} must have at least ${MIN_ADMIN_TOKEN_LENGTH} characters, got ` +
          `${token.length}${variable === "ADMIN_TOKEN" ? "" : ` for "${name}"`} ` +
          "(value not shown; try: openssl rand -hex 24)",
      );
    } else if (tokens.some((t) => t.name === name)) {
      problems.push(`${variable} names "${name}" twice; each token needs its own name`);
    } else if (tokens.some((t) => t.token === token)) {
      problems.push(`${variable} gives "${name}" a token another name has (value not shown)`);
    } else {
      tokens.push({ name, token });
    }
  };
  const single = env.ADMIN_TOKEN?.trim();
  if (single) check("ADMIN_TOKEN", "admin", single);
  const list = env.ADMIN_TOKENS?.trim();
  for (const item of list ? list.split(",") : []) {
    const colon = item.indexOf(":");
    const name = colon === -1 ? "" : item.slice(0, colon).trim();
    if (!TOKEN_NAME.test(name)) {
      problems.push(
        `ADMIN_TOKENS must be name:token,... with names of 1 to 32 letters, digits, "_", "." ` +
          `or "-", got an entry named "${name.slice(0, 40)}" (tokens not shown)`,
      );
      continue;
    }
    check("ADMIN_TOKENS", name, item.slice(colon + 1).trim());
  }
  return tokens;
}

const LEVELS: readonly Level[] = ["debug", "info", "warn", "error"];

/** Parse and validate the configuration from `env`; throws {@link ConfigError} listing every problem. */
export function loadConfig(env: Env, hostname = "localhost"): Config {
  const problems: string[] = [];

  const number = (name: NumericVariable): number =>
    envNumber(env, name, RANGES[name], DEFAULTS[name], problems);

  const flag = (name: "TRAIN_IF_MISSING"): boolean => {
    const raw = env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === "") return DEFAULTS[name];
    if (["1", "true", "yes", "on"].includes(raw)) return true;
    if (["0", "false", "no", "off"].includes(raw)) return false;
    problems.push(`${name} must be 1 or 0, got "${env[name]}"`);
    return DEFAULTS[name];
  };

  const text = (name: "HOST" | "MODEL_DIR" | "MODEL_NAME"): string => {
    const raw = env[name]?.trim();
    return raw ? raw : DEFAULTS[name];
  };

  const detectorRaw = env.DETECTOR?.trim() || DEFAULTS.DETECTOR;
  const detector = (DETECTOR_KINDS as readonly string[]).includes(detectorRaw)
    ? detectorRaw as DetectorKind
    : DEFAULTS.DETECTOR;
  if (detector !== detectorRaw) {
    problems.push(`DETECTOR must be one of ${DETECTOR_KINDS.join(", ")}, got "${env.DETECTOR}"`);
  }
  const modelName = env.MODEL_NAME?.trim() || DEFAULT_MODEL_NAMES[detector];
  if (modelName.includes("/") || modelName.startsWith(".")) {
    problems.push(`MODEL_NAME must be a plain file name, got "${modelName}"`);
  }

  const admins = adminTokens(env, problems);

  const feedbackToken = env.FEEDBACK_TOKEN?.trim() || null;
  if (feedbackToken !== null && !/^[\x21-\x7e]+$/.test(feedbackToken)) {
    problems.push("FEEDBACK_TOKEN must be printable ASCII without spaces (value not shown)");
  } else if (feedbackToken !== null && feedbackToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    problems.push(
      `FEEDBACK_TOKEN must have at least ${MIN_ADMIN_TOKEN_LENGTH} characters, got ` +
        `${feedbackToken.length} (value not shown; try: openssl rand -hex 24)`,
    );
  }

  const logLevel = (env.LOG_LEVEL?.trim().toLowerCase() || DEFAULTS.LOG_LEVEL) as Level;
  if (!LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LEVELS.join(", ")}, got "${env.LOG_LEVEL}"`);
  }

  const rawProbePort = env.PROBE_PORT?.trim();
  let probePort: number | null = null;
  if (rawProbePort) {
    const parsed = parseInRange(RANGES.PORT, rawProbePort);
    if (parsed.ok) probePort = parsed.value;
    else problems.push(`PROBE_PORT must be ${parsed.problem}, got "${rawProbePort}"`);
  }

  const config: Config = {
    host: text("HOST"),
    port: number("PORT"),
    probePort,
    workers: number("WORKERS"),
    modelDir: text("MODEL_DIR"),
    modelName,
    detector,
    trainIfMissing: flag("TRAIN_IF_MISSING"),
    model: modelConfig(env, problems),
    ratedCurrent: number("RATED_CURRENT"),
    maxBatch: number("MAX_BATCH"),
    maxBodyBytes: number("MAX_BODY_BYTES"),
    maxInflight: number("MAX_INFLIGHT"),
    maxBodyBytesInFlight: number("MAX_BODY_BYTES_IN_FLIGHT"),
    bodyBytesInFlightPerWorker: 0,
    bodyTimeoutMs: number("BODY_TIMEOUT_MS"),
    drainDelaySeconds: number("DRAIN_DELAY_S"),
    shutdownDeadlineSeconds: number("SHUTDOWN_DEADLINE_S"),
    shutdownQuietMs: number("SHUTDOWN_QUIET_MS"),
    podName: env.POD_NAME?.trim() || hostname,
    nodeName: env.NODE_NAME?.trim() || null,
    logLevel: LEVELS.includes(logLevel) ? logLevel : DEFAULTS.LOG_LEVEL,
    adminTokens: admins,
    modelPollSeconds: number("MODEL_POLL_S"),
    modelRetention: number("MODEL_RETENTION"),
    shadowRate: number("SHADOW_RATE"),
    shadowQueue: number("SHADOW_QUEUE"),
    driftWindow: number("DRIFT_WINDOW"),
    drift: {
      capacity: number("DRIFT_WINDOW"),
      maxAgeSeconds: number("DRIFT_WINDOW_S"),
      minReadings: number("DRIFT_MIN_READINGS"),
      alpha: number("DRIFT_ALPHA"),
      minStatistic: number("DRIFT_MIN_KS"),
    },
    labelsDb: env.LABELS_DB?.trim() ||
      `${text("MODEL_DIR").replace(/\/+$/, "")}/labels.db`,
    feedbackToken,
    feedbackMaxLabels: number("FEEDBACK_MAX_LABELS"),
    feedbackRate: number("FEEDBACK_RATE"),
    canary: {
      windowSeconds: number("CANARY_WINDOW_S"),
      maxErrorRate: number("CANARY_MAX_ERROR_RATE"),
      maxP99Ratio: number("CANARY_MAX_P99_RATIO"),
      maxAnomalyRatio: number("CANARY_MAX_ANOMALY_RATIO"),
      minRequests: number("CANARY_MIN_REQUESTS"),
    },
  };
  if (config.drift.minReadings > config.drift.capacity) {
    problems.push(
      `DRIFT_MIN_READINGS must be at most DRIFT_WINDOW, or no window ever gives a verdict, got ` +
        `${config.drift.minReadings} > ${config.drift.capacity}`,
    );
  }
  if (probePort !== null && probePort !== 0 && probePort === config.port) {
    problems.push(`PROBE_PORT must differ from PORT, got ${probePort} for both`);
  }
  config.bodyBytesInFlightPerWorker = Math.floor(config.maxBodyBytesInFlight / config.workers);
  // Each worker must be able to admit one body of the largest size, or such requests always get 503.
  if (config.bodyBytesInFlightPerWorker < config.maxBodyBytes) {
    problems.push(
      `MAX_BODY_BYTES_IN_FLIGHT must be at least MAX_BODY_BYTES x WORKERS, so every worker can ` +
        `take one body of the largest size, got ${config.maxBodyBytesInFlight} < ` +
        `${config.maxBodyBytes} x ${config.workers}`,
    );
  }
  // After the drain delay the listener closes and in-flight requests get SHUTDOWN_DEADLINE_S; an
  // upload that just started may take BODY_TIMEOUT_MS, so a shorter deadline would cut it off.
  if (config.shutdownDeadlineSeconds * 1000 < config.bodyTimeoutMs) {
    problems.push(
      `SHUTDOWN_DEADLINE_S must be at least BODY_TIMEOUT_MS / 1000, so an upload in flight can ` +
        `finish on shutdown, got ${config.shutdownDeadlineSeconds} s < ${config.bodyTimeoutMs} ms`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The number in `env[name]`, or `fallback` when unset or invalid (then a line is added to `problems`). */
function envNumber(
  env: Env,
  name: string,
  range: Range,
  fallback: number,
  problems: string[],
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const parsed = parseInRange(range, raw);
  if (parsed.ok) return parsed.value;
  problems.push(`${name} must be ${parsed.problem}, got "${raw}"`);
  return fallback;
}

/** The model config from `env`, with the trainer's ranges (one definition: `MODEL_SETTINGS`). */
function modelConfig(env: Env, problems: string[]): ModelConfig {
  const config: Record<string, number> = {};
  for (const spec of MODEL_SETTINGS) {
    config[spec.key] = envNumber(env, spec.env, spec, spec.default, problems);
  }
  return config as unknown as ModelConfig;
}

/** The configuration as logged at start-up: admin tokens by name, the feedback token as set or not. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    adminTokens: config.adminTokens.map((t) => t.name),
    feedbackToken: config.feedbackToken === null ? null : "(set)",
  };
}

/**
 * The configuration from this process's environment; on invalid values print
 * one line per problem and exit with code 2 (what every entry point wants).
 */
export function configFromEnvOrExit(): Config {
  try {
    return loadConfig(Deno.env.toObject(), Deno.hostname());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const problem of err.problems) printError(`config error: ${problem}`);
    Deno.exit(2);
  }
}
