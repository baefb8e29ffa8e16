/**
 * The model registry in `MODEL_DIR`: immutable, content-addressed versions and
 * two aliases, safe with several writers (replicas, a training Job) on one
 * shared volume.
 *
 * ```
 * MODEL_DIR/versions/<64 hex>.json       the artifact, written once (its name is its hash)
 * MODEL_DIR/versions/<64 hex>.meta.json  metadata for listings: created, source, config, training summary
 * MODEL_DIR/aliases/champion.json        {"alias","version","updated_at","updated_by","previous"}
 * MODEL_DIR/aliases/challenger.json
 * ```
 *
 * Versions are created with a hard link (create-if-absent) and never
 * modified; aliases are replaced by rename, so a reader sees the old or the
 * new alias, never a torn one. Retention keeps the newest `retention`
 * versions plus every aliased version and the champion's previous version
 * (the rollback target).
 */
import {
  type Model,
  type ModelConfig,
  parseArtifact,
  serializeArtifact,
} from "../../detector/mod.ts";
import { createFileOnce, readTextOrNull, replaceFile } from "./atomic_file.ts";
import { isFullVersion, shortVersion, versionHex, versionPrefix } from "./version_id.ts";
import { assertInRange } from "../../../lib/ranges.ts";

/** The registry's aliases: `champion` serves, `challenger` scores in its shadow. */
export const ALIASES = ["champion", "challenger"] as const;

/** An alias name. */
export type AliasName = typeof ALIASES[number];

/** True when `name` is an alias name. */
export function isAliasName(name: string): name is AliasName {
  return (ALIASES as readonly string[]).includes(name);
}

/** What the registry knows about one version (the artifact without its forest). */
export interface VersionMeta {
  /** Full version: `sha256:` and 64 hex digits. */
  version: string;
  /** The `model_version` responses carry: `sha256:` and 12 hex digits. */
  short: string;
  /** When the version was registered (ISO-8601). */
  created_at: string;
  /** Who made it, e.g. "deno task train" or "trained at startup: ...". */
  source: string;
  features: string[];
  config: ModelConfig;
  threshold: number;
  /** The training summary: data description, score quantiles, evaluation, drift reference. */
  training: Record<string, unknown>;
}

/** One alias file's content. */
export interface AliasRecord {
  alias: AliasName;
  /** Full version the alias points at. */
  version: string;
  updated_at: string;
  /** Who moved it, e.g. "admin api (pod-a:12)" or "deno task train". */
  updated_by: string;
  /** The version it pointed at before, or null: the one-step rollback target. */
  previous: string | null;
}

/** A version reference that names no registered version, or several. */
export class VersionNotFoundError extends RangeError {
  /** Create the error with a message naming the reference. */
  constructor(message: string) {
    super(message);
    this.name = "VersionNotFoundError";
  }
}

/** Options for {@link ModelRegistry}. */
export interface RegistryOptions {
  /** Versions kept besides aliased ones (`MODEL_RETENTION`); at least 1. */
  retention: number;
}

/** Result of {@link ModelRegistry.register}. */
export interface Registered {
  meta: VersionMeta;
  /** False when the version was already registered (same content hash). */
  created: boolean;
  /** Versions deleted by retention. */
  pruned: string[];
}

function metaOf(model: Model, createdAt: string, source: string): VersionMeta {
  return {
    version: model.contentHash,
    short: shortVersion(model.contentHash),
    created_at: createdAt,
    source,
    features: [...model.features],
    config: { ...model.info.config },
    threshold: model.threshold,
    training: model.info.training,
  };
}

function parseAlias(text: string, name: AliasName): AliasRecord | null {
  try {
    const raw = JSON.parse(text);
    if (typeof raw?.version !== "string" || !isFullVersion(raw.version)) return null;
    return {
      alias: name,
      version: raw.version,
      updated_at: typeof raw.updated_at === "string" ? raw.updated_at : "",
      updated_by: typeof raw.updated_by === "string" ? raw.updated_by : "",
      previous: typeof raw.previous === "string" && isFullVersion(raw.previous)
        ? raw.previous
        : null,
    };
  } catch {
    return null;
  }
}

/** How long a writer waits for the registry lock before giving up. */
const LOCK_WAIT_MS = 10_000;
/** A lock this old was left by a writer that died (holders keep it for milliseconds). */
const STALE_LOCK_MS = 5_000;

/** The registry rooted at a model directory. */
export class ModelRegistry {
  /** The model directory (`MODEL_DIR`). */
  readonly dir: string;
  readonly #retention: number;

  /** Open the registry in `dir` (directories are created on first write). */
  constructor(dir: string, options: RegistryOptions) {
    assertInRange({ name: "Retention", min: 1, integer: true }, options.retention);
    this.dir = dir.endsWith("/") ? dir.slice(0, -1) : dir;
    this.#retention = options.retention;
  }

  get #versions(): string {
    return `${this.dir}/versions`;
  }

  get #aliases(): string {
    return `${this.dir}/aliases`;
  }

  /** Path of a version's artifact file. */
  artifactPath(version: string): string {
    return `${this.#versions}/${versionHex(version)}.json`;
  }

  #metaPath(version: string): string {
    return `${this.#versions}/${versionHex(version)}.meta.json`;
  }

  /**
   * Register `model` as a version (a no-op when the same content is already
   * registered), then apply retention. The artifact is written before its
   * metadata, so a listed version always has its artifact.
   */
  async register(model: Model, info: { source: string; createdAt?: string }): Promise<Registered> {
    await Deno.mkdir(this.#versions, { recursive: true });
    const version = model.contentHash;
    const meta = metaOf(model, info.createdAt ?? new Date().toISOString(), info.source);
    const created = await createFileOnce(this.artifactPath(version), serializeArtifact(model));
    const metaCreated = await createFileOnce(this.#metaPath(version), JSON.stringify(meta));
    const stored = metaCreated ? meta : (await this.#readMeta(version)) ?? meta;
    const pruned = await this.prune();
    return { meta: stored, created, pruned };
  }

  async #readMeta(version: string): Promise<VersionMeta | null> {
    const text = await readTextOrNull(this.#metaPath(version));
    if (text !== null) {
      try {
        const meta = JSON.parse(text) as VersionMeta;
        if (meta.version === version) return meta;
      } catch {
        // Fall back to the artifact below.
      }
    }
    // Metadata missing (writer stopped between the two files) or damaged: derive it.
    const artifact = await readTextOrNull(this.artifactPath(version));
    if (artifact === null) return null;
    try {
      const model = parseArtifact(artifact);
      const stat = await Deno.stat(this.artifactPath(version));
      return metaOf(model, (stat.mtime ?? new Date(0)).toISOString(), "registered (metadata lost)");
    } catch {
      return null;
    }
  }

  /** Every registered version, newest first. Unreadable entries are skipped. */
  async list(): Promise<VersionMeta[]> {
    const versions: string[] = [];
    try {
      for await (const entry of Deno.readDir(this.#versions)) {
        const m = /^([0-9a-f]{64})\.json$/.exec(entry.name);
        if (m && entry.isFile) versions.push(`sha256:${m[1]}`);
      }
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return [];
      throw err;
    }
    const metas = await Promise.all(versions.map((v) => this.#readMeta(v)));
    return metas.filter((m): m is VersionMeta => m !== null).sort((a, b) =>
      a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0
    );
  }

  /**
   * The full version a client's reference names (see `versionPrefix`).
   * Throws TypeError for a malformed reference and VersionNotFoundError when
   * no version or several match.
   */
  async resolve(ref: unknown): Promise<string> {
    const prefix = versionPrefix(ref);
    const matches = (await this.list()).filter((m) => versionHex(m.version).startsWith(prefix));
    if (matches.length === 1) return matches[0].version;
    if (matches.length === 0) {
      throw new VersionNotFoundError(`No registered version matches "${ref}"; see GET /models`);
    }
    throw new VersionNotFoundError(
      `"${ref}" matches ${matches.length} versions; give more hex digits`,
    );
  }

  /** The metadata of a full version, or null. */
  meta(version: string): Promise<VersionMeta | null> {
    return this.#readMeta(version);
  }

  /** The artifact text of a full version, or null when it is not (or no longer) registered. */
  readArtifact(version: string): Promise<string | null> {
    return readTextOrNull(this.artifactPath(version));
  }

  /** The alias record, or null when the alias is unset (or its file is damaged). */
  async getAlias(name: AliasName): Promise<AliasRecord | null> {
    const text = await readTextOrNull(`${this.#aliases}/${name}.json`);
    return text === null ? null : parseAlias(text, name);
  }

  /** Both aliases. */
  async aliases(): Promise<Record<AliasName, AliasRecord | null>> {
    const [champion, challenger] = await Promise.all(ALIASES.map((a) => this.getAlias(a)));
    return { champion, challenger };
  }

  /**
   * Point `name` at a registered full version. Throws VersionNotFoundError
   * when the version is not registered. Runs under the registry lock, so
   * retention cannot remove the version between the check and the write.
   */
  async setAlias(name: AliasName, version: string, updatedBy: string): Promise<AliasRecord> {
    return await this.#locked(async () => {
      if ((await this.readArtifact(version)) === null) {
        throw new VersionNotFoundError(`Version ${version} is not registered; see GET /models`);
      }
      const before = await this.getAlias(name);
      const record: AliasRecord = {
        alias: name,
        version,
        updated_at: new Date().toISOString(),
        updated_by: updatedBy,
        previous: before && before.version !== version ? before.version : before?.previous ?? null,
      };
      await replaceFile(`${this.#aliases}/${name}.json`, JSON.stringify(record));
      return record;
    });
  }

  /** Point `name` at `version` only if the alias is unset and the version exists; true when this call set it. */
  async setAliasIfAbsent(name: AliasName, version: string, updatedBy: string): Promise<boolean> {
    return await this.#locked(async () => {
      if ((await this.readArtifact(version)) === null) return false;
      const record: AliasRecord = {
        alias: name,
        version,
        updated_at: new Date().toISOString(),
        updated_by: updatedBy,
        previous: null,
      };
      return await createFileOnce(`${this.#aliases}/${name}.json`, JSON.stringify(record));
    });
  }

  /**
   * Run `fn` holding the registry's lock: a file created exclusively in the
   * aliases directory, so replicas and training Jobs sharing `MODEL_DIR`
   * exclude each other too. Moving an alias and pruning take milliseconds; a
   * lock older than {@link STALE_LOCK_MS} was left by a process that died.
   */
  async #locked<T>(fn: () => Promise<T>): Promise<T> {
    await Deno.mkdir(this.#aliases, { recursive: true });
    const path = `${this.#aliases}/.lock`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let delay = 1;; delay = Math.min(delay * 2, 50)) {
      try {
        (await Deno.open(path, { createNew: true, write: true })).close();
        break;
      } catch (err) {
        if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
      }
      const since = (await Deno.stat(path).catch(() => null))?.mtime?.getTime();
      if (since !== undefined && Date.now() - since > STALE_LOCK_MS) {
        await Deno.remove(path).catch(() => {});
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`The model registry is locked by another writer (${path}); try again`);
      }
      await new Promise((r) => setTimeout(r, delay));
    }
    try {
      return await fn();
    } finally {
      await Deno.remove(path).catch(() => {});
    }
  }

  /** Remove an alias; false when it was not set. */
  async deleteAlias(name: AliasName): Promise<boolean> {
    try {
      await Deno.remove(`${this.#aliases}/${name}.json`);
      return true;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return false;
      throw err;
    }
  }

  /** Versions retention must keep whatever their age: aliased ones and the rollback target. */
  async #protected(): Promise<Set<string>> {
    const { champion, challenger } = await this.aliases();
    const keep = new Set<string>();
    for (const v of [champion?.version, champion?.previous, challenger?.version]) {
      if (v) keep.add(v);
    }
    return keep;
  }

  /**
   * Delete versions beyond retention, never an aliased one or the rollback
   * target; returns the versions deleted. Runs under the registry lock, so no
   * alias can move to a version while it is being deleted.
   */
  async prune(): Promise<string[]> {
    const all = await this.list();
    if (all.length <= this.#retention) return [];
    return await this.#locked(async () => {
      const keep = await this.#protected();
      const candidates = (await this.list()).slice(this.#retention).filter((m) =>
        !keep.has(m.version)
      );
      const deleted: string[] = [];
      for (const meta of candidates) {
        // Metadata first: a listed version always has its artifact.
        await Deno.remove(this.#metaPath(meta.version)).catch(() => {});
        try {
          await Deno.remove(this.artifactPath(meta.version));
        } catch (err) {
          if (!(err instanceof Deno.errors.NotFound)) throw err;
          continue;
        }
        deleted.push(meta.version);
      }
      return deleted;
    });
  }
}
