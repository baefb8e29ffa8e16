/**
 * The model lifecycle of one serving instance (one worker): the champion
 * lives in `ServiceState`; this object adds the challenger scored in its
 * shadow and the drift window over the champion's training reference, and
 * is told about every scored request after the champion answered.
 */
import {
  type Detector,
  type Prediction,
  readDriftReference,
  type Reading,
} from "../detector/mod.ts";
import { errorMessage, type Logger } from "../../lib/logger.ts";
import type { ServiceState } from "../predict/state.ts";
import { DriftWindow } from "./drift_window.ts";
import type { LifecycleMetrics } from "../metrics/mlops_metrics.ts";
import { ShadowScorer } from "./shadow.ts";

/** `sha256:` and 12 hex digits, the `model_version` responses carry (as the registry's `shortVersion`). */
const shortVersion = (version: string) => version.slice(0, 19);

/** Options for {@link ModelLifecycle}. */
export interface ModelLifecycleOptions {
  state: ServiceState;
  metrics: LifecycleMetrics;
  logger: Logger;
  /** Share of requests the challenger scores (`SHADOW_RATE`). */
  shadowRate: number;
  /** Most readings waiting for shadow scoring (`SHADOW_QUEUE`). */
  shadowQueue: number;
  /** Readings in the drift window (`DRIFT_WINDOW`). */
  driftWindow: number;
}

/** The champion and challenger compared in the shadow, and since when. */
export interface Experiment {
  /** `model_version` (short) of each. */
  champion: string;
  challenger: string;
  /** When this instance started comparing this pair (ISO-8601): its counts start there. */
  since: string;
}

/** Challenger, shadow scoring and drift for one instance. */
export class ModelLifecycle {
  readonly #options: ModelLifecycleOptions;
  readonly #shadow: ShadowScorer;
  #challenger: Detector | null = null;
  #drift: DriftWindow | null = null;
  #driftFor: Detector | null = null;
  #inflight = 0;
  #experiment: Experiment | null = null;

  /** Wire the lifecycle to `state`: a new champion gets a fresh drift window. */
  constructor(options: ModelLifecycleOptions) {
    this.#options = options;
    const { metrics, logger } = options;
    this.#shadow = new ShadowScorer({
      rate: options.shadowRate,
      maxQueuedReadings: options.shadowQueue,
      onResult: (r) => {
        const pair = this.#experiment;
        // Work queued for an earlier pair is not this experiment's.
        if (
          !pair || pair.champion !== shortVersion(r.champion) ||
          pair.challenger !== shortVersion(r.version)
        ) return;
        const labels = { champion: pair.champion, challenger: pair.challenger };
        if (r.agree > 0) metrics.shadowPredictions.inc({ ...labels, agree: "true" }, r.agree);
        if (r.readings > r.agree) {
          metrics.shadowPredictions.inc({ ...labels, agree: "false" }, r.readings - r.agree);
        }
        if (r.anomalies > 0) metrics.shadowAnomalies.inc(labels, r.anomalies);
        metrics.shadowLatency.observe(labels, r.seconds);
      },
      onDrop: (n) => metrics.shadowDropped.inc(n),
      busy: () => this.#inflight > 0,
      onError: (err) =>
        logger.error("shadow_scoring_failed", {
          error: errorMessage(err),
        }),
    });
    metrics.setDriftSource({
      psi: () => this.#drift?.psi() ?? null,
      size: () => this.#drift?.size ?? 0,
    });
    options.state.onChange(() => this.#sync());
    this.#sync();
  }

  /** The challenger set by the registry's alias, or null. */
  get challenger(): Detector | null {
    return this.#challenger;
  }

  /** The pair compared in the shadow now, or null. */
  get experiment(): Experiment | null {
    return this.#experiment;
  }

  /** The challenger actually shadowed: null when unset or the same version as the champion. */
  get shadowed(): Detector | null {
    return this.#shadow.challenger;
  }

  /** Set or clear the challenger (the registry's `challenger` alias moved). */
  setChallenger(challenger: Detector | null): void {
    this.#challenger = challenger;
    const { metrics } = this.#options;
    metrics.challengerInfo.reset();
    if (challenger) metrics.challengerInfo.set({ version: challenger.info.version }, 1);
    this.#sync();
  }

  /** After the champion answered a request: feed the drift window and offer it to the shadow. */
  observe(
    readings: readonly Reading[],
    predictions: readonly Prediction[],
    context: readonly Reading[] = [],
  ): void {
    this.#drift?.observe(readings as unknown as readonly Record<string, unknown>[]);
    const champion = this.#options.state.detector;
    if (champion) this.#shadow.offer(readings, predictions, champion.info.version, context);
  }

  /** A request started: shadow work yields to it (see `ShadowOptions.busy`). */
  requestStarted(): void {
    this.#inflight++;
  }

  /** A request finished. */
  requestFinished(): void {
    this.#inflight--;
  }

  /** Resolves when queued shadow work is done (tests). */
  idle(): Promise<void> {
    return this.#shadow.idle();
  }

  #sync(): void {
    const champion = this.#options.state.detector;
    if (champion !== this.#driftFor) {
      this.#driftFor = champion;
      const reference = champion
        ? readDriftReference(champion.info.training, champion.info.features)
        : null;
      this.#drift = reference
        ? new DriftWindow(reference, { capacity: this.#options.driftWindow })
        : null;
    }
    const challenger = this.#challenger;
    const effective = challenger && challenger.info.version !== champion?.info.version
      ? challenger
      : null;
    if (effective !== this.#shadow.challenger) this.#shadow.setChallenger(effective);
    const pair = champion && effective
      ? {
        champion: shortVersion(champion.info.version),
        challenger: shortVersion(effective.info.version),
      }
      : null;
    const before = this.#experiment;
    if (pair?.champion === before?.champion && pair?.challenger === before?.challenger) return;
    // A new experiment: only its own figures are exported.
    const { metrics } = this.#options;
    metrics.shadowPredictions.reset();
    metrics.shadowAnomalies.reset();
    metrics.shadowLatency.reset();
    this.#experiment = pair ? { ...pair, since: new Date().toISOString() } : null;
  }
}
