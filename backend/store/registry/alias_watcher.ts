/**
 * Follows the registry's aliases: polls the alias files every interval and,
 * when `champion` or `challenger` points at another version, loads and
 * validates that version and hands it over. This is how every replica (and
 * every worker, through its primary) converges on a promotion without a
 * restart: within one poll interval plus the load time. A version that cannot
 * be loaded is logged once and the current model keeps serving.
 */
import { type Model, parseArtifact } from "../../detector/mod.ts";
import { errorMessage, type Logger } from "../../../lib/logger.ts";
import type { AliasName, ModelRegistry } from "./registry.ts";
import { shortVersion } from "./version_id.ts";

/** A loaded version: the validated model and the artifact text it came from. */
export interface LoadedVersion {
  model: Model;
  text: string;
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
}

/** Polls the aliases and reports changes. */
export class AliasWatcher {
  readonly #options: AliasWatcherOptions;
  readonly #current: Record<AliasName, string | null>;
  readonly #failed = new Set<string>();
  #timer: ReturnType<typeof setInterval> | null = null;
  #polling: Promise<void> = Promise.resolve();

  /** A watcher that knows the champion already served (full version), and no challenger. */
  constructor(options: AliasWatcherOptions, champion: string | null) {
    this.#options = options;
    this.#current = { champion, challenger: null };
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

  async #pollOnce(): Promise<void> {
    const { registry } = this.#options;
    const aliases = await registry.aliases();
    const champion = aliases.champion?.version ?? null;
    // An unset champion alias keeps the current model: there is nothing better to serve.
    if (champion !== null && champion !== this.#current.champion) {
      const loaded = await this.#load("champion", champion);
      if (loaded) {
        this.#current.champion = champion;
        this.#options.onChampion(loaded);
      }
    }
    const challenger = aliases.challenger?.version ?? null;
    if (challenger !== this.#current.challenger) {
      if (challenger === null) {
        this.#current.challenger = null;
        this.#options.logger.info("model_alias_changed", { alias: "challenger", version: null });
        this.#options.onChallenger(null);
      } else {
        const loaded = await this.#load("challenger", challenger);
        if (loaded) {
          this.#current.challenger = challenger;
          this.#options.onChallenger(loaded);
        }
      }
    }
  }

  async #load(alias: AliasName, version: string): Promise<LoadedVersion | null> {
    const { registry, logger } = this.#options;
    const started = performance.now();
    let reason: string;
    try {
      const text = await registry.readArtifact(version);
      if (text !== null) {
        const model = parseArtifact(text, {
          ...(this.#options.describe?.(alias, version) ??
            { source: `registry ${alias} ${shortVersion(version)}` }),
          ...(this.#options.ratedCurrent ? { ratedCurrent: this.#options.ratedCurrent } : {}),
        });
        this.#failed.delete(version);
        logger.info("model_alias_changed", {
          alias,
          version: model.info.version,
          duration_ms: Math.round(performance.now() - started),
        });
        return { model, text };
      }
      reason = "its artifact is missing";
    } catch (err) {
      reason = errorMessage(err);
    }
    if (!this.#failed.has(version)) {
      this.#failed.add(version);
      logger.error("model_version_unusable", { alias, version: shortVersion(version), reason });
    }
    return null;
  }
}
