/**
 * Follows the registry's aliases: polls the alias files every interval and,
 * when `champion` or `challenger` points at another version, loads and
 * validates that version and hands it over. This is how every replica (and
 * every worker, through its primary) converges on a promotion without a
 * restart: within one poll interval plus the load time.
 *
 * Serve only what someone chose: the champion alias's version, else the
 * alias's recorded `previous` (logged at error level and counted as a
 * fallback), else the model already served, else nothing (not ready, saying
 * which alias and version failed and why). A replica that serves nothing keeps
 * polling and becomes ready as soon as the alias names a loadable version.
 * Every poll reports a {@link ChampionStatus}: which version is intended and
 * which serves.
 *
 * The canary alias is followed the same way: its version is loaded and
 * checked before it is routed to; a version that cannot be loaded routes
 * nothing (the champion answers its share) and the {@link CanaryAssignment}
 * says why.
 */
import type { AnyModel, ModelOptions } from "../../detector/mod.ts";
import { errorMessage, type Logger } from "../../../lib/logger.ts";
import type { AliasName, AliasStatus, ModelRegistry } from "./registry.ts";
import { shortVersion } from "./version_id.ts";
import { VersionUnusableError } from "./version_problem.ts";

/** A loaded version: the validated model and the artifact text it came from. */
export interface LoadedVersion {
  model: AnyModel;
  text: string;
}

/** Which champion is intended and which serves, as `/ready`, `/models` and the gauge report it. */
export interface ChampionStatus {
  /** The champion alias's full version, or null when unset or unreadable. */
  intended: string | null;
  /** The full version this replica serves, or null. */
  serving: string | null;
  /** True when the served version is the alias's (or no alias exists and a model serves). */
  matches: boolean;
  /** Why they differ or nothing serves, naming the alias and version; null when they match. */
  reason: string | null;
  /** Fallbacks to `previous` so far (for `model_fallback_total`). */
  fallbacks: number;
}

/** The canary alias as this replica applies it. */
export interface CanaryAssignment {
  /** The canary alias's full version, or null when unset. */
  intended: string | null;
  /** The alias's share of requests in percent (0 when unset). */
  percent: number;
  /** The full version this replica routes the share to, or null (the champion answers it). */
  serving: string | null;
  /** Why the alias's version is not routed to, or null. */
  reason: string | null;
}

/** Options for {@link AliasWatcher}. */
export interface AliasWatcherOptions {
  registry: ModelRegistry;
  logger: Logger;
  /** Poll interval in milliseconds (`MODEL_POLL_S` × 1000). */
  intervalMs: number;
  /** Rated current passed to loaded models. */
  ratedCurrent?: number;
  /** A loaded model's `source` (default "registry <alias> <version>") and shown artifact path. */
  describe?: (alias: AliasName, version: string) => { source: string; artifact?: string };
  /** The champion moved to another version. */
  onChampion: (loaded: LoadedVersion) => void;
  /** The challenger was set, moved or removed (null). */
  onChallenger: (loaded: LoadedVersion | null) => void;
  /**
   * The canary alias or what this replica routes to changed; `loaded` is the
   * model when {@link CanaryAssignment.serving} moved to a new version.
   */
  onCanary?: (assignment: CanaryAssignment, loaded: LoadedVersion | null) => void;
  /** The champion status changed (reported on the first poll too). */
  onStatus?: (status: ChampionStatus) => void;
  /** Work retried on every poll until it returns true (a registration that failed). */
  retry?: () => Promise<boolean>;
}

/** The outcome of {@link chooseChampion}. */
export interface ChampionChoice {
  /** A newly loaded version to serve, or null (keep what serves, or nothing). */
  load: LoadedVersion | null;
  /** The version that serves after this choice (full), or null. */
  serving: string | null;
  /** The alias's version, or null. */
  intended: string | null;
  /** Why the intended version does not serve, or null. */
  reason: string | null;
  /** True when serving the alias's `previous` instead of its version. */
  fallback: boolean;
}

/**
 * Decide what serves given the champion alias and what serves now:
 * its version, else its `previous`, else what serves now, else nothing.
 * `load` loads a version or throws {@link VersionUnusableError}.
 */
export async function chooseChampion(
  status: AliasStatus,
  current: string | null,
  load: (version: string) => Promise<LoadedVersion>,
): Promise<ChampionChoice> {
  const record = status.record;
  if (!record) {
    // Unset: whatever serves (or the start-up load's own error) stands; nobody chose otherwise.
    const reason = status.problem ? `Champion alias cannot be read: ${status.problem}` : null;
    return { load: null, serving: current, intended: null, reason, fallback: false };
  }
  const intended = record.version;
  if (intended === current) {
    return { load: null, serving: current, intended, reason: null, fallback: false };
  }
  let why: string;
  try {
    return {
      load: await load(intended),
      serving: intended,
      intended,
      reason: null,
      fallback: false,
    };
  } catch (err) {
    why = err instanceof VersionUnusableError ? err.message : errorMessage(err);
  }
  const failed = `Champion alias names ${shortVersion(intended)}, which cannot be served: ${why}`;
  const previous = record.previous;
  if (previous !== null && previous !== intended) {
    if (previous === current) {
      return {
        load: null,
        serving: current,
        intended,
        reason: `${failed}; serving its previous version ${shortVersion(previous)}`,
        fallback: true,
      };
    }
    try {
      return {
        load: await load(previous),
        serving: previous,
        intended,
        reason: `${failed}; serving its previous version ${shortVersion(previous)}`,
        fallback: true,
      };
    } catch (err) {
      const prevWhy = err instanceof VersionUnusableError ? err.message : errorMessage(err);
      const both = `${failed}; its previous version ${shortVersion(previous)} cannot be ` +
        `served either: ${prevWhy}`;
      return {
        load: null,
        serving: current,
        intended,
        reason: current === null ? both : `${both}; still serving ${shortVersion(current)}`,
        fallback: false,
      };
    }
  }
  return {
    load: null,
    serving: current,
    intended,
    reason: current === null
      ? `${failed}; the alias records no previous version to fall back to`
      : `${failed}; still serving ${shortVersion(current)}`,
    fallback: false,
  };
}

/** Polls the aliases and reports changes. */
export class AliasWatcher {
  readonly #options: AliasWatcherOptions;
  readonly #current: Record<AliasName, string | null>;
  readonly #failed = new Set<string>();
  #timer: ReturnType<typeof setInterval> | null = null;
  #polling: Promise<void> = Promise.resolve();
  #status: ChampionStatus | null = null;
  #fallbacks = 0;
  #fallbackFor: string | null = null;
  #retryPending: boolean;
  #recoveredLogged: string | null = null;
  #canary: CanaryAssignment = { intended: null, percent: 0, serving: null, reason: null };

  /** A watcher that knows the champion already served (full version, or null), and no challenger. */
  constructor(options: AliasWatcherOptions, champion: string | null) {
    this.#options = options;
    this.#current = { champion, challenger: null, canary: null };
    this.#retryPending = options.retry !== undefined;
  }

  /** The canary as this replica applies it (after the last poll). */
  get canary(): CanaryAssignment {
    return this.#canary;
  }

  /** The last status reported (null before the first poll). */
  get status(): ChampionStatus | null {
    return this.#status;
  }

  /** Start polling (the first poll runs at once). */
  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => void this.poll(), this.#options.intervalMs);
    void this.poll();
  }

  /** Stop polling and wait for a poll in progress. */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#polling;
  }

  /** Poll now (after an admin call); polls never overlap. Resolves when done. */
  poll(): Promise<void> {
    this.#polling = this.#polling.then(() => this.#pollOnce()).catch((err) => {
      this.#options.logger.warn("model_alias_poll_failed", {
        error: errorMessage(err),
      });
    });
    return this.#polling;
  }

  /** Load a version as the service serves it (throws VersionUnusableError). */
  load(alias: AliasName, version: string): Promise<LoadedVersion> {
    const options: ModelOptions = {
      ...(this.#options.describe?.(alias, version) ??
        { source: `registry ${alias} ${shortVersion(version)}` }),
      ...(this.#options.ratedCurrent ? { ratedCurrent: this.#options.ratedCurrent } : {}),
    };
    return this.#options.registry.loadVersion(version, options);
  }

  async #pollOnce(): Promise<void> {
    const { registry, logger } = this.#options;
    if (this.#retryPending && this.#options.retry) {
      this.#retryPending = !(await this.#options.retry().catch(() => false));
    }
    const status = await registry.aliasStatus("champion");
    if (status.record?.recovered && this.#recoveredLogged !== status.record.recovered) {
      this.#recoveredLogged = status.record.recovered;
      logger.error("model_alias_recovered", { alias: "champion", reason: status.record.recovered });
    }
    const choice = await chooseChampion(
      status,
      this.#current.champion,
      (version) => this.#load("champion", version),
    );
    if (choice.load) {
      this.#current.champion = choice.serving;
      this.#options.onChampion(choice.load);
    }
    if (choice.fallback && this.#fallbackFor !== choice.intended) {
      this.#fallbackFor = choice.intended;
      this.#fallbacks++;
      logger.error("model_fallback", {
        alias: "champion",
        intended: choice.intended ? shortVersion(choice.intended) : null,
        serving: choice.serving ? shortVersion(choice.serving) : null,
        reason: choice.reason,
      });
    }
    if (!choice.fallback) this.#fallbackFor = null;
    this.#report({
      intended: choice.intended,
      serving: choice.serving,
      matches: choice.serving !== null &&
        (choice.intended === null ? status.problem === null : choice.intended === choice.serving),
      reason: choice.reason,
      fallbacks: this.#fallbacks,
    });

    const challenger = (await registry.getAlias("challenger"))?.version ?? null;
    if (challenger !== this.#current.challenger) {
      if (challenger === null) {
        this.#current.challenger = null;
        logger.info("model_alias_changed", { alias: "challenger", version: null });
        this.#options.onChallenger(null);
      } else {
        const loaded = await this.#load("challenger", challenger).catch(() => null);
        if (loaded) {
          this.#current.challenger = challenger;
          this.#options.onChallenger(loaded);
        }
      }
    }
    if (this.#options.onCanary) await this.#followCanary(this.#options.onCanary);
  }

  /** Load the canary alias's version when it moved; report any change of the assignment. */
  async #followCanary(
    onCanary: (assignment: CanaryAssignment, loaded: LoadedVersion | null) => void,
  ): Promise<void> {
    const record = (await this.#options.registry.aliasStatus("canary")).record;
    const intended = record?.version ?? null;
    const percent = record?.percent ?? 0;
    let serving = this.#current.canary;
    let reason: string | null = null;
    let loaded: LoadedVersion | null = null;
    if (intended === null) {
      serving = null;
    } else if (intended !== serving) {
      try {
        loaded = await this.#load("canary", intended);
        serving = intended;
      } catch (err) {
        serving = null;
        reason = `Canary alias names ${shortVersion(intended)}, which cannot be served: ${
          err instanceof VersionUnusableError ? err.message : errorMessage(err)
        }; the champion answers its ${percent} %`;
      }
    }
    this.#current.canary = serving;
    const before = this.#canary;
    const after: CanaryAssignment = { intended, percent, serving, reason };
    if (
      loaded === null && before.intended === intended && before.percent === percent &&
      before.serving === serving && before.reason === reason
    ) return;
    this.#canary = after;
    if (intended === null && before.intended !== null) {
      this.#options.logger.info("model_alias_changed", { alias: "canary", version: null });
    }
    onCanary(after, loaded);
  }

  #report(status: ChampionStatus): void {
    const before = this.#status;
    this.#status = status;
    if (
      before && before.intended === status.intended && before.serving === status.serving &&
      before.reason === status.reason && before.fallbacks === status.fallbacks
    ) return;
    this.#options.onStatus?.(status);
  }

  async #load(alias: AliasName, version: string): Promise<LoadedVersion> {
    const { logger } = this.#options;
    const started = performance.now();
    try {
      const loaded = await this.load(alias, version);
      this.#failed.delete(`${alias} ${version}`);
      logger.info("model_alias_changed", {
        alias,
        version: loaded.model.info.version,
        duration_ms: Math.round(performance.now() - started),
      });
      return loaded;
    } catch (err) {
      // Logged once per alias and version, retried on every poll (the file may be repaired).
      if (!this.#failed.has(`${alias} ${version}`)) {
        this.#failed.add(`${alias} ${version}`);
        logger.error("model_version_unusable", {
          alias,
          version: shortVersion(version),
          // The message, never the parse error's detail: that may quote the file.
          reason: err instanceof VersionUnusableError ? err.message : errorMessage(err),
        });
      }
      throw err;
    }
  }
}
