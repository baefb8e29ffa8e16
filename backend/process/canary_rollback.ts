/**
 * The canary guard of one replica, in the thread that follows the registry:
 * every second it sums the per-version counters of every worker, lets the
 * {@link CanaryGuard} judge the window and, when the canary left its band,
 * removes the canary alias (actor `canary-guard`, the reason naming the
 * figure and both values, compare-and-set on the version it judged), logs
 * `canary_rolled_back` and re-reads the aliases, so this replica stops
 * routing at once and every other replica within `MODEL_POLL_S`. A registry
 * that cannot take the write does not keep the canary serving here: this
 * replica stops routing to it and retries the removal every check.
 * Promotion is never automatic.
 */
import { errorMessage, type Logger } from "../../lib/logger.ts";
import type { MetricsSnapshot } from "../metrics/metrics.ts";
import { CanaryGuard, type GuardSettings, talliesOf } from "../mlops/canary_guard.ts";
import type { CanaryStatus } from "../mlops/canary_router.ts";
import {
  type CanaryAssignment,
  type LoadedVersion,
  type ModelRegistry,
  shortVersion,
} from "../store/registry/mod.ts";

/** How often the guard looks at the window. */
export const CANARY_CHECK_MS = 1_000;

/** The actor the guard's rollbacks carry in the alias history. */
export const GUARD_ACTOR = "canary-guard";

/** Options for {@link CanaryRollback}. */
export interface CanaryRollbackOptions {
  registry: ModelRegistry;
  logger: Logger;
  settings: GuardSettings;
  /** Every worker's metrics snapshot. */
  snapshots: () => Promise<MetricsSnapshot[]>;
  /** Send the status (and the canary's model when it moved) to every worker. */
  publish: (status: CanaryStatus, loaded: LoadedVersion | null) => void;
  /** Re-read the aliases now (after a rollback). */
  poll: () => Promise<void>;
  /** Check interval; default {@link CANARY_CHECK_MS}. */
  intervalMs?: number;
  /** Clock in milliseconds; default Date.now. */
  now?: () => number;
}

/** Follows the canary assignment, judges it, rolls it back. */
export class CanaryRollback {
  readonly #options: CanaryRollbackOptions;
  readonly #guard: CanaryGuard;
  #assignment: CanaryAssignment = { intended: null, percent: 0, serving: null, reason: null };
  #health: CanaryStatus["health"] = null;
  #rollbacks = 0;
  /** A version the guard rolled back whose removal the registry has not taken yet. */
  #vetoed: { version: string; reason: string } | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #checking: Promise<void> = Promise.resolve();

  /** A guard with nothing to judge yet. */
  constructor(options: CanaryRollbackOptions) {
    this.#options = options;
    this.#guard = new CanaryGuard(options.settings);
  }

  /** The status the workers have. */
  get status(): CanaryStatus {
    const a = this.#assignment;
    const vetoed = this.#vetoed !== null && this.#vetoed.version === a.serving;
    return {
      intended: a.intended,
      percent: a.percent,
      serving: vetoed ? null : a.serving,
      reason: vetoed ? this.#vetoed!.reason : a.reason,
      rollbacks: this.#rollbacks,
      health: this.#health,
    };
  }

  /** The watcher's view of the canary alias changed (`loaded`: the new canary's model). */
  assign(assignment: CanaryAssignment, loaded: LoadedVersion | null): void {
    if (assignment.serving !== this.#assignment.serving) {
      this.#guard.reset();
      this.#health = null;
    }
    if (this.#vetoed && this.#vetoed.version !== assignment.intended) this.#vetoed = null;
    this.#assignment = assignment;
    this.#options.publish(this.status, loaded);
  }

  /** Check every interval until {@link stop}. */
  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => void this.check(), this.#options.intervalMs ?? CANARY_CHECK_MS);
  }

  /** Stop checking and wait for a check in progress. */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#checking;
  }

  /** Judge the window now (checks never overlap). */
  check(): Promise<void> {
    this.#checking = this.#checking.then(() => this.#checkOnce()).catch((err) => {
      this.#options.logger.warn("canary_check_failed", { error: errorMessage(err) });
    });
    return this.#checking;
  }

  async #checkOnce(): Promise<void> {
    const { logger } = this.#options;
    const version = this.#assignment.serving;
    if (this.#vetoed) {
      await this.#remove(this.#vetoed.version, this.#vetoed.reason);
      return;
    }
    if (version === null) return;
    const tallies = talliesOf(await this.#options.snapshots());
    // Figures of another canary than the one routed to (a worker not yet switched) wait.
    if (tallies.canary && shortVersion(version) !== tallies.canary.version) return;
    const health = this.#guard.observe((this.#options.now ?? Date.now)(), tallies);
    this.#health = health;
    if (health.breach === null) {
      this.#options.publish(this.status, null);
      return;
    }
    const reason = `Rolled back by the canary guard: ${health.breach} over the last ` +
      `${health.covered_s} s (canary ${health.canary?.requests ?? 0} requests, champion ` +
      `${health.champion?.requests ?? 0})`;
    this.#rollbacks++;
    logger.error("canary_rolled_back", {
      version: shortVersion(version),
      percent: this.#assignment.percent,
      reason,
      canary: health.canary,
      champion: health.champion,
    });
    // Stop routing here whatever the registry says; the removal reaches the other replicas.
    this.#vetoed = { version, reason };
    this.#options.publish(this.status, null);
    await this.#remove(version, reason);
  }

  /** Remove the canary alias if it still names `version`; keep the veto until the store takes it. */
  async #remove(version: string, reason: string): Promise<void> {
    const { logger, registry } = this.#options;
    try {
      await registry.deleteAlias("canary", GUARD_ACTOR, reason, version);
    } catch (err) {
      logger.error("canary_rollback_not_recorded", {
        version: shortVersion(version),
        error: errorMessage(err),
        retry: "every check; this replica does not route to it meanwhile",
      });
      return;
    }
    this.#guard.reset();
    await this.#options.poll();
  }
}
