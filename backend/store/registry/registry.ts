/**
 * The model registry in `MODEL_DIR`: immutable, content-addressed versions (of
 * either detector: isolation forests and temporal window models) and two aliases, safe with several writers (replicas, a training Job) on one
 * shared volume.
 *
 * ```
 * MODEL_DIR/versions/<64 hex>.json       the artifact, written once (its name is its hash)
 * MODEL_DIR/versions/<64 hex>.meta.json  metadata for listings: created, source, config, training summary
 * MODEL_DIR/aliases/champion.json        {"alias","version","updated_at","updated_by","previous","seq","reason"}
 * MODEL_DIR/aliases/champion.history.jsonl  every accepted change, one line each (the audit trail)
 * MODEL_DIR/aliases/challenger.json (and .history.jsonl)
 * MODEL_DIR/aliases/canary.json         as the others, plus "percent": the share of requests it answers
 * MODEL_DIR/aliases/.lock                 the writers' lock (registry_lock.ts: takeover rule)
 * ```
 *
 * Versions are created with a hard link (create-if-absent) and never
 * modified; aliases are replaced by rename, so a reader sees the old or the
 * new alias, never a torn one. Retention keeps the newest `retention`
 * versions plus every aliased version and every version an alias's history
 * names (the rollback targets).
 *
 * An alias moves only to a version that loads and whose content hash equals
 * its name ({@link VersionUnusableError} otherwise). Store failures (full,
 * read-only, lock held) throw {@link StoreUnavailableError}; no wait is
 * without a deadline.
 */
import {
  type AnyModel,
  type ModelConfig,
  type ModelOptions,
  parseAnyArtifact,
  serializeAnyArtifact,
  type TemporalConfig,
} from "../../detector/mod.ts";
import { createFileOnce, readTextOrNull, replaceFile } from "./atomic_file.ts";
import { appendHistory, type HistoryEntry, isPercent, readHistory } from "./alias_history.ts";
import { withLock } from "./registry_lock.ts";
import { guardStore, storeError, StoreUnavailableError } from "./store_error.ts";
import { artifactProblem, VersionUnusableError } from "./version_problem.ts";
import { isFullVersion, shortVersion, versionHex, versionPrefix } from "./version_id.ts";
import { assertInRange } from "../../../lib/ranges.ts";

export type { HistoryEntry } from "./alias_history.ts";
export { StoreUnavailableError } from "./store_error.ts";
export type { StoreState } from "./store_error.ts";
export { VersionUnusableError } from "./version_problem.ts";

/**
 * The registry's aliases: `champion` serves, `challenger` scores in its shadow,
 * `canary` answers a share (`percent`) of the requests.
 */
export const ALIASES = ["champion", "challenger", "canary"] as const;

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
  /** The detector: "isolation_forest" or "temporal_window" (absent in metadata of before: a forest). */
  detector: string;
  features: string[];
  config: ModelConfig | TemporalConfig;
  threshold: number;
  /** The training summary: data description, score quantiles, evaluation, drift reference. */
  training: Record<string, unknown>;
  /** A held-out evaluation recorded after registration (`recordEvaluation`), e.g. on own data or labels. */
  evaluation?: Record<string, unknown>;
}

/** One alias file's content. */
export interface AliasRecord {
  alias: AliasName;
  /** Full version the alias points at. */
  version: string;
  updated_at: string;
  /** Who moved it: the admin token's name (e.g. "alice"), "deno task train", "startup (<pod>)". */
  updated_by: string;
  /** The version it pointed at before, or null: the one-step rollback target. */
  previous: string | null;
  /** This change's position in the alias's history (0: written before histories existed). */
  seq: number;
  /** Why it was moved, as the caller said, or null. */
  reason: string | null;
  /** Set when the alias file was damaged and this record was rebuilt from its history. */
  recovered?: string;
  /** The canary's share of requests in percent, (0, 100] (the canary alias only). */
  percent?: number;
}

/** An alias as read: its record, or why it cannot be read. */
export interface AliasStatus {
  /** The alias's record (possibly rebuilt from its history), or null when unset or unreadable. */
  record: AliasRecord | null;
  /** Why the alias file cannot be used, or null (also null when unset). */
  problem: string | null;
}

/** The alias names another version than the caller expected (compare-and-set). */
export class AliasConflictError extends Error {
  /** The alias as it is now. */
  readonly current: AliasRecord | null;

  /** Create the error for `alias`, now at `current`. */
  constructor(alias: AliasName, current: AliasRecord | null) {
    super(
      `Alias ${alias} is at ${current ? current.version : "no version (unset)"}, not at the ` +
        "expected_version given; read it again and retry",
    );
    this.name = "AliasConflictError";
    this.current = current;
  }
}

/** Options for {@link ModelRegistry.setAlias}. */
export interface SetAliasOptions {
  /** Why (kept in the history). */
  reason?: string | null;
  /**
   * Compare-and-set: the version (full or a prefix of 12+ hex digits) the
   * alias must name now, or null for "unset"; omitted: no check.
   */
  expectedVersion?: string | null;
  /** The canary's share of requests in percent, (0, 100]: required for `canary`, refused otherwise. */
  percent?: number;
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
  /** How long a write waits for the registry lock (default 5 s). */
  lockWaitMs?: number;
}

/** Result of {@link ModelRegistry.register}. */
export interface Registered {
  meta: VersionMeta;
  /** False when the version was already registered (same content hash). */
  created: boolean;
  /** Versions deleted by retention. */
  pruned: string[];
}

function metaOf(model: AnyModel, createdAt: string, source: string): VersionMeta {
  return {
    version: model.contentHash,
    short: shortVersion(model.contentHash),
    created_at: createdAt,
    source,
    detector: model.info.name,
    features: [...model.features],
    config: { ...model.info.config },
    threshold: model.threshold,
    training: listedTraining(model.info.training),
  };
}

/**
 * The training summary as listings carry it: the drift tests' sample of rows stays in the
 * artifact (tens of kB a version, read by every `GET /models`), and the listing says only that it
 * is there and how many rows it holds.
 */
function listedTraining(training: Record<string, unknown>): Record<string, unknown> {
  const sample = training.referenceSample as { rows?: unknown; timeOfDay?: unknown } | undefined;
  if (!sample || typeof sample !== "object") return training;
  return {
    ...training,
    referenceSample: { rows: sample.rows, timeOfDay: Array.isArray(sample.timeOfDay) },
  };
}

function parseAlias(text: string, name: AliasName): AliasRecord | null {
  try {
    const raw = JSON.parse(text);
    if (typeof raw?.version !== "string" || !isFullVersion(raw.version)) return null;
    // A canary without its share cannot be routed: damaged (rebuilt from its history).
    if (name === "canary" && !isPercent(raw.percent)) return null;
    return {
      alias: name,
      version: raw.version,
      updated_at: typeof raw.updated_at === "string" ? raw.updated_at : "",
      updated_by: typeof raw.updated_by === "string" ? raw.updated_by : "",
      previous: typeof raw.previous === "string" && isFullVersion(raw.previous)
        ? raw.previous
        : null,
      seq: Number.isInteger(raw.seq) && raw.seq > 0 ? raw.seq : 0,
      reason: typeof raw.reason === "string" ? raw.reason : null,
      ...(isPercent(raw.percent) ? { percent: raw.percent } : {}),
    };
  } catch {
    return null;
  }
}

function entryOf(record: AliasRecord): HistoryEntry {
  return {
    seq: record.seq,
    version: record.version,
    previous: record.previous,
    at: record.updated_at,
    actor: record.updated_by,
    reason: record.reason,
    ...(record.percent !== undefined ? { percent: record.percent } : {}),
  };
}

function aliasFileText(record: AliasRecord): string {
  const { recovered: _, ...stored } = record;
  return JSON.stringify(stored);
}

/** How long a writer waits for the registry lock before giving up (503 after). */
const LOCK_WAIT_MS = 5_000;
/** Temp files older than this were left by a writer that died (writes take milliseconds). */
const STRAY_TEMP_MS = 60_000;

/** The registry rooted at a model directory. */
export class ModelRegistry {
  /** The model directory (`MODEL_DIR`). */
  readonly dir: string;
  readonly #retention: number;
  readonly #lockWaitMs: number;

  /** Open the registry in `dir` (directories are created on first write). */
  constructor(dir: string, options: RegistryOptions) {
    assertInRange({ name: "Retention", min: 1, integer: true }, options.retention);
    this.dir = dir.endsWith("/") ? dir.slice(0, -1) : dir;
    this.#retention = options.retention;
    this.#lockWaitMs = options.lockWaitMs ?? LOCK_WAIT_MS;
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
  async register(
    model: AnyModel,
    info: { source: string; createdAt?: string },
  ): Promise<Registered> {
    const version = model.contentHash;
    const meta = metaOf(model, info.createdAt ?? new Date().toISOString(), info.source);
    const [created, metaCreated] = await guardStore("register a version", async () => {
      await Deno.mkdir(this.#versions, { recursive: true });
      const created = await createFileOnce(this.artifactPath(version), serializeAnyArtifact(model));
      return [created, await createFileOnce(this.#metaPath(version), JSON.stringify(meta))];
    });
    const stored = metaCreated ? meta : (await this.#readMeta(version)) ?? meta;
    // The version is registered; retention runs again at the next registration if it cannot now.
    const pruned = await this.prune().catch((err) => {
      if (err instanceof StoreUnavailableError) return [];
      throw err;
    });
    return { meta: stored, created, pruned };
  }

  async #readMeta(version: string): Promise<VersionMeta | null> {
    const text = await readTextOrNull(this.#metaPath(version));
    if (text !== null) {
      try {
        const meta = JSON.parse(text) as VersionMeta;
        if (meta.version === version) {
          return { ...meta, detector: meta.detector ?? "isolation_forest" };
        }
      } catch {
        // Fall back to the artifact below.
      }
    }
    // Metadata missing (writer stopped between the two files) or damaged: derive it.
    let artifact: string | null;
    try {
      artifact = await this.readArtifact(version);
    } catch {
      return null;
    }
    if (artifact === null) return null;
    try {
      const model = parseAnyArtifact(artifact);
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
      throw storeError(err, "list the versions");
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

  /**
   * Record `evaluation` in a version's metadata, replacing an earlier one; the
   * artifact (and so the version) is untouched. Throws VersionNotFoundError
   * when the version is not registered.
   */
  async recordEvaluation(
    version: string,
    evaluation: Record<string, unknown>,
  ): Promise<VersionMeta> {
    return await this.#locked(async () => {
      const meta = await this.#readMeta(version);
      if (!meta) {
        throw new VersionNotFoundError(`Version ${version} is not registered; see GET /models`);
      }
      const updated: VersionMeta = { ...meta, evaluation };
      await replaceFile(this.#metaPath(version), JSON.stringify(updated));
      return updated;
    });
  }

  /**
   * The artifact text of a full version, or null when it is not (or no
   * longer) registered. Throws {@link VersionUnusableError} when its file is
   * not a regular file (a symbolic link could point at anything).
   */
  async readArtifact(version: string): Promise<string | null> {
    const path = this.artifactPath(version);
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return null;
      throw storeError(err, "read a version's artifact");
    }
    if (!info.isFile) {
      throw new VersionUnusableError(
        version,
        `its file is ${info.isSymlink ? "a symbolic link" : "not a regular file"}; ` +
          "registry versions must be regular files",
      );
    }
    return await readTextOrNull(path);
  }

  /**
   * Load a version the way the service serves it, checking that it parses
   * and that its content hash equals its name. Throws
   * {@link VersionUnusableError} saying why (never quoting the file).
   */
  async loadVersion(
    version: string,
    options: ModelOptions = {},
  ): Promise<{ model: AnyModel; text: string }> {
    let text: string | null;
    try {
      text = await this.readArtifact(version);
    } catch (err) {
      if (err instanceof VersionUnusableError) throw err;
      throw new VersionUnusableError(
        version,
        `its file cannot be read (${(err as { code?: string }).code ?? "error"})`,
        String(err),
      );
    }
    if (text === null) throw new VersionUnusableError(version, "its artifact file is missing");
    // When it was registered, for /model's created_at (the metadata file only: cheap).
    const createdAt = options.createdAt ?? await readTextOrNull(this.#metaPath(version)).then(
      (meta) => meta === null ? undefined : JSON.parse(meta)?.created_at,
      () => undefined,
    ).catch(() => undefined);
    let model: AnyModel;
    try {
      model = parseAnyArtifact(text, {
        ...options,
        ...(typeof createdAt === "string" ? { createdAt } : {}),
      });
    } catch (err) {
      throw new VersionUnusableError(version, artifactProblem(err), String(err));
    }
    if (model.contentHash !== version) {
      throw new VersionUnusableError(
        version,
        `its file holds another model (content hash ${shortVersion(model.contentHash)})`,
      );
    }
    return { model, text };
  }

  /** Whether a version's file exists (whatever it holds): retention has not removed it. */
  async #exists(version: string): Promise<boolean> {
    return await Deno.lstat(this.artifactPath(version)).then(() => true, (err) => {
      if (err instanceof Deno.errors.NotFound) return false;
      throw err;
    });
  }

  #aliasPath(name: AliasName): string {
    return `${this.#aliases}/${name}.json`;
  }

  #historyPath(name: AliasName): string {
    return `${this.#aliases}/${name}.history.jsonl`;
  }

  /**
   * The alias as read. A damaged alias file (truncated, say) is rebuilt from
   * the alias's history when that has an entry; otherwise `problem` says why
   * it cannot be used. A missing file whose history says the alias was set is
   * rebuilt the same way.
   */
  async aliasStatus(name: AliasName): Promise<AliasStatus> {
    const text = await readTextOrNull(this.#aliasPath(name));
    const record = text === null ? null : parseAlias(text, name);
    if (record) return { record, problem: null };
    const history = await readHistory(this.#historyPath(name)).catch(() => []);
    const last = history[history.length - 1];
    if (text === null && (!last || last.version === null)) return { record: null, problem: null };
    const what = text === null ? "is missing" : "is damaged";
    if (last?.version) {
      return {
        record: {
          alias: name,
          version: last.version,
          updated_at: last.at,
          updated_by: last.actor,
          previous: last.previous,
          seq: last.seq,
          reason: last.reason,
          ...(last.percent !== undefined ? { percent: last.percent } : {}),
          recovered: `aliases/${name}.json ${what}; rebuilt from its history (entry ${last.seq})`,
        },
        problem: null,
      };
    }
    return {
      record: null,
      problem: `aliases/${name}.json ${what} and its history has no entry to rebuild it from`,
    };
  }

  /** The alias record, or null when the alias is unset (or damaged beyond its history). */
  async getAlias(name: AliasName): Promise<AliasRecord | null> {
    return (await this.aliasStatus(name)).record;
  }

  /** Every alias. */
  async aliases(): Promise<Record<AliasName, AliasRecord | null>> {
    const [champion, challenger, canary] = await Promise.all(ALIASES.map((a) => this.getAlias(a)));
    return { champion, challenger, canary };
  }

  /** Every accepted change of `name`, newest first. */
  async history(name: AliasName): Promise<HistoryEntry[]> {
    const [entries, status] = await Promise.all([
      readHistory(this.#historyPath(name)),
      this.aliasStatus(name),
    ]);
    const record = status.record;
    const lastSeq = entries[entries.length - 1]?.seq ?? 0;
    // The alias file is written first: a writer that died before appending left it one short.
    if (record && record.seq > lastSeq) entries.push(entryOf(record));
    if (record && record.seq === 0 && entries.length === 0) entries.push(entryOf(record));
    return entries.reverse();
  }

  /** Under the lock: the history's last seq, appending the alias file's change if it was lost. */
  async #repairHistory(name: AliasName, current: AliasRecord | null): Promise<number> {
    const entries = await readHistory(this.#historyPath(name));
    const lastSeq = entries[entries.length - 1]?.seq ?? 0;
    if (current && !current.recovered && current.seq > lastSeq) {
      await appendHistory(this.#historyPath(name), entryOf(current));
      return current.seq;
    }
    return Math.max(lastSeq, current?.seq ?? 0);
  }

  /** Write `record` (the commit point), then its history line. */
  async #commit(record: AliasRecord): Promise<void> {
    await guardStore(
      `write the ${record.alias} alias`,
      () => replaceFile(this.#aliasPath(record.alias), aliasFileText(record)),
    );
    // A failure here is repaired by the next writer (see #repairHistory); the move happened.
    await appendHistory(this.#historyPath(record.alias), entryOf(record)).catch(() => {});
  }

  /**
   * Point `name` at a registered full version and append the change to its
   * history. The version must load and hash to its name
   * ({@link VersionUnusableError}); VersionNotFoundError when it is not
   * registered; {@link AliasConflictError} when `expectedVersion` is given and
   * the alias names another; {@link StoreUnavailableError} when the store
   * cannot take the write. Runs under the registry lock, so retention cannot
   * remove the version between the check and the write.
   */
  async setAlias(
    name: AliasName,
    version: string,
    actor: string,
    options: SetAliasOptions = {},
  ): Promise<AliasRecord> {
    const notRegistered = () =>
      new VersionNotFoundError(`Version ${version} is not registered; see GET /models`);
    const { percent } = options;
    if (name === "canary" ? !isPercent(percent) : percent !== undefined) {
      throw new RangeError(
        name === "canary"
          ? `The canary alias needs a percent above 0 and at most 100, got ${percent}`
          : `Only the canary alias has a percent; ${name} got ${percent}`,
      );
    }
    if (!(await this.#exists(version))) throw notRegistered();
    await this.loadVersion(version).catch(async (err) => {
      // Retention may remove it meanwhile: that is "not registered", not "damaged".
      throw (await this.#exists(version)) ? err : notRegistered();
    });
    return await this.#locked(async () => {
      if (!(await this.#exists(version))) throw notRegistered();
      const before = await this.aliasStatus(name);
      const current = before.record;
      if (options.expectedVersion !== undefined) {
        const expected = options.expectedVersion;
        const matches = expected === null
          ? current === null
          : current !== null && versionHex(current.version).startsWith(versionPrefix(expected));
        if (!matches) throw new AliasConflictError(name, current);
      }
      const seq = (await this.#repairHistory(name, current)) + 1;
      const record: AliasRecord = {
        alias: name,
        version,
        updated_at: new Date().toISOString(),
        updated_by: actor,
        previous: current && current.version !== version
          ? current.version
          : current?.previous ?? null,
        seq,
        reason: options.reason ?? null,
        ...(percent !== undefined ? { percent } : {}),
      };
      await this.#commit(record);
      return record;
    });
  }

  /**
   * Point `name` at `version` only if the alias was never set (no file, no
   * history) and the version loads; true when this call set it.
   */
  async setAliasIfAbsent(name: AliasName, version: string, actor: string): Promise<boolean> {
    await this.loadVersion(version);
    return await this.#locked(async () => {
      const status = await this.aliasStatus(name);
      const history = await readHistory(this.#historyPath(name));
      if (status.record || status.problem || history.length > 0) return false;
      if ((await readTextOrNull(this.#aliasPath(name))) !== null) return false;
      await this.#commit({
        alias: name,
        version,
        updated_at: new Date().toISOString(),
        updated_by: actor,
        previous: null,
        seq: 1,
        reason: "first model of an empty registry",
      });
      return true;
    });
  }

  /** Run `fn` holding the registry's lock (`registry_lock.ts`: deadline and takeover rule). */
  async #locked<T>(fn: () => Promise<T>): Promise<T> {
    await guardStore(
      "create MODEL_DIR/aliases",
      () => Deno.mkdir(this.#aliases, { recursive: true }),
    );
    return await withLock(`${this.#aliases}/.lock`, { waitMs: this.#lockWaitMs }, fn);
  }

  /**
   * Remove an alias, recording who and why; false when it was not set, or
   * when `expectedVersion` (a full version) is given and the alias names
   * another (a rollback must not remove a canary someone set meanwhile).
   */
  async deleteAlias(
    name: AliasName,
    actor = "unknown",
    reason: string | null = null,
    expectedVersion?: string,
  ): Promise<boolean> {
    if ((await readTextOrNull(this.#aliasPath(name)).catch(() => "")) === null) return false;
    return await this.#locked(async () => {
      const { record } = await this.aliasStatus(name);
      if (expectedVersion !== undefined && record?.version !== expectedVersion) return false;
      const seq = (await this.#repairHistory(name, record)) + 1;
      try {
        await Deno.remove(this.#aliasPath(name));
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) return false;
        throw err;
      }
      await appendHistory(this.#historyPath(name), {
        seq,
        version: null,
        previous: record?.version ?? null,
        at: new Date().toISOString(),
        actor,
        reason,
      }).catch(() => {});
      return true;
    });
  }

  /**
   * Remove temp files a writer that died left in the registry (older than a
   * minute: a live writer's temp file exists for milliseconds). Returns how
   * many were removed.
   */
  async removeStrayTemps(): Promise<number> {
    let removed = 0;
    for (const dir of [this.#versions, this.#aliases]) {
      let entries: Deno.DirEntry[];
      try {
        entries = await Array.fromAsync(Deno.readDir(dir));
      } catch {
        continue;
      }
      for (const entry of entries) {
        if (!entry.isFile || !/^\..+\.tmp-/.test(entry.name)) continue;
        const path = `${dir}/${entry.name}`;
        const mtime = (await Deno.lstat(path).catch(() => null))?.mtime?.getTime();
        if (mtime === undefined || Date.now() - mtime < STRAY_TEMP_MS) continue;
        await Deno.remove(path).then(() => removed++, () => {});
      }
    }
    return removed;
  }

  /**
   * Versions retention must keep whatever their age: aliased ones, the
   * champion's previous one, and every version an alias's history names (any
   * of them can be rolled back to).
   */
  async #protected(): Promise<Set<string>> {
    const { champion, challenger, canary } = await this.aliases();
    const keep = new Set<string>();
    for (const v of [champion?.version, champion?.previous, challenger?.version, canary?.version]) {
      if (v) keep.add(v);
    }
    for (const alias of ALIASES) {
      for (const entry of await readHistory(this.#historyPath(alias))) {
        if (entry.version) keep.add(entry.version);
      }
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
