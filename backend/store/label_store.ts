/**
 * The label store: every operator label (`POST /feedback` by `prediction_id`)
 * in one SQLite file (`LABELS_DB`, default `MODEL_DIR/labels.db`) through
 * Deno's built-in `node:sqlite`, so labels survive restarts and `deno task
 * train --labels` can train and evaluate on them.
 *
 * One row per prediction id holds its label, the version that served it and
 * its verdict, and the reading; a second table keeps the verdict of every
 * model that scored the reading when it was labeled (the challenger of the
 * day), which gives live precision per version; a third keeps those outcome
 * counts per version up to date in the same transactions, so reading live
 * precision costs a few rows however many labels there are. Writing the same
 * label again changes nothing; a different label replaces it (an operator
 * changed their mind).
 *
 * WAL mode: readers (a training Job, `/models`) never block the writer.
 * `synchronous=NORMAL`: a commit survives a killed process; a power loss may
 * lose the commits since the last checkpoint, never the file. Several
 * workers open their own connection; a write waits at most
 * {@link BUSY_TIMEOUT_MS} for another. When the file is damaged, the disk
 * full or read-only, or the file cannot be opened, every call throws
 * {@link LabelStoreUnavailableError} naming the state (the route answers 503
 * with Retry-After); nothing is deleted or rewritten, so the labels already
 * stored stay as they are, and the store reopens by itself once the cause is
 * gone (checked at most every {@link REOPEN_AFTER_MS}).
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";

/** Longest a write waits for another connection's write. */
export const BUSY_TIMEOUT_MS = 250;
/** After a failed open, the next attempt waits this long. */
export const REOPEN_AFTER_MS = 5_000;

/** Why the store cannot take or give labels now. */
export type StoreState = "damaged" | "full" | "read-only" | "busy" | "unavailable";

/** The store refuses for now; `state` says why, `retryAfterS` when to ask again. */
export class LabelStoreUnavailableError extends Error {
  /** What is wrong with the store. */
  readonly state: StoreState;
  /** Seconds before trying again makes sense. */
  readonly retryAfterS: number;
  /** An error naming the store's state. */
  constructor(state: StoreState, detail: string, retryAfterS: number) {
    super(`The label store is ${state === "unavailable" ? "not available" : state}: ${detail}`);
    this.name = "LabelStoreUnavailableError";
    this.state = state;
    this.retryAfterS = retryAfterS;
  }
}

/** A model's verdict on a labeled reading. */
export interface Verdict {
  /** `sha256:` and 12 hex digits. */
  modelVersion: string;
  predicted: boolean;
}

/** One label to store. */
export interface LabelInput {
  predictionId: string;
  /** True when the reading was an anomaly. */
  anomaly: boolean;
  /** The version that served it and its verdict (from the id). */
  served: Verdict;
  /** When it was served (ms since the epoch). */
  servedAt: number;
  /** Feature names, in the order of `values`. */
  features: readonly string[];
  values: readonly number[];
  /** Verdicts of other models that scored the reading now (the challenger). */
  others?: readonly Verdict[];
}

/** What a write did. */
export interface PutResult {
  /** Labels new to the store. */
  stored: number;
  /** Labels that replaced a different earlier label for the same id. */
  changed: number;
  /** Labels the store already had (a repeated post). */
  unchanged: number;
  /** Per input, what happened to it. */
  outcomes: ("stored" | "changed" | "unchanged")[];
}

/** Outcome counts of one version's verdicts against the stored labels. */
export interface VersionTally {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** A stored label with its reading (for training). */
export interface StoredLabel {
  predictionId: string;
  anomaly: boolean;
  modelVersion: string;
  predicted: boolean;
  servedAt: number;
  labeledAt: number;
  features: string[];
  values: number[];
}

/** Options for {@link LabelStore}. */
export interface LabelStoreOptions {
  /** Open without writing (training, evaluation): no schema changes, no WAL switch. */
  readOnly?: boolean;
  /** Clock in ms (tests). */
  now?: () => number;
  /** Most pages the file may grow to (tests simulate a full disk with it). */
  maxPages?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS labels (
  prediction_id TEXT PRIMARY KEY,
  anomaly INTEGER NOT NULL CHECK (anomaly IN (0, 1)),
  model_version TEXT NOT NULL,
  predicted INTEGER NOT NULL CHECK (predicted IN (0, 1)),
  served_at INTEGER NOT NULL,
  features TEXT NOT NULL,
  reading TEXT NOT NULL,
  client TEXT NOT NULL,
  labeled_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS verdicts (
  prediction_id TEXT NOT NULL,
  model_version TEXT NOT NULL,
  predicted INTEGER NOT NULL CHECK (predicted IN (0, 1)),
  PRIMARY KEY (prediction_id, model_version)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tallies (
  model_version TEXT NOT NULL,
  predicted INTEGER NOT NULL,
  anomaly INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (model_version, predicted, anomaly)
) WITHOUT ROWID;
`;

/** The store's state from a SQLite error (codes from sqlite3.h; messages where no code comes). */
export function storeState(err: unknown): StoreState {
  const code = (err as { errcode?: number })?.errcode;
  const message = err instanceof Error ? err.message : String(err);
  const primary = typeof code === "number" ? code & 0xff : -1;
  if (primary === 13 || /disk is full|no space/i.test(message)) return "full";
  if (primary === 8 || /readonly|read-only|permission denied/i.test(message)) return "read-only";
  if (primary === 11 || primary === 26 || /malformed|not a database/i.test(message)) {
    return "damaged";
  }
  if (primary === 5 || primary === 6 || /database is locked|busy/i.test(message)) return "busy";
  return "unavailable";
}

interface Statements {
  get: StatementSync;
  insert: StatementSync;
  update: StatementSync;
  verdict: StatementSync;
  verdictsOf: StatementSync;
  bump: StatementSync;
}

interface VerdictRow {
  model_version: string;
  predicted: number;
}

/** Labels in a SQLite file, reopened by itself after a failure. */
export class LabelStore {
  /** The database file. */
  readonly path: string;
  readonly #options: LabelStoreOptions;
  readonly #now: () => number;
  #db: DatabaseSync | null = null;
  #statements: Statements | null = null;
  #failure: LabelStoreUnavailableError | null = null;
  #retryAt = 0;

  /** A store over `path`; nothing is opened until the first call. */
  constructor(path: string, options: LabelStoreOptions = {}) {
    this.path = path;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Why the store refused last, or null when it works (or was not used yet). */
  get failure(): LabelStoreUnavailableError | null {
    return this.#failure;
  }

  #open(): DatabaseSync {
    if (this.#db) return this.#db;
    const now = this.#now();
    if (this.#failure && now < this.#retryAt) {
      throw new LabelStoreUnavailableError(
        this.#failure.state,
        this.#detail(this.#failure),
        Math.max(1, Math.ceil((this.#retryAt - now) / 1000)),
      );
    }
    let db: DatabaseSync | null = null;
    try {
      if (!this.#options.readOnly) {
        const dir = this.path.includes("/") ? this.path.slice(0, this.path.lastIndexOf("/")) : "";
        if (dir) Deno.mkdirSync(dir, { recursive: true });
      }
      db = new DatabaseSync(this.path, { readOnly: this.#options.readOnly === true });
      db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
      if (!this.#options.readOnly) {
        db.exec("PRAGMA journal_mode = WAL");
        db.exec("PRAGMA synchronous = NORMAL");
        db.exec(SCHEMA);
        if (this.#options.maxPages) db.exec(`PRAGMA max_page_count = ${this.#options.maxPages}`);
      }
      // A damaged file can open fine and fail on the first read: read now.
      db.prepare("SELECT COUNT(*) AS n FROM labels").get();
    } catch (err) {
      try {
        db?.close();
      } catch {
        // Already unusable.
      }
      throw this.#fail(err, REOPEN_AFTER_MS);
    }
    this.#db = db;
    this.#failure = null;
    return db;
  }

  #detail(err: LabelStoreUnavailableError): string {
    return err.message.replace(/^The label store is [^:]*: /, "");
  }

  /** Record a failure: close (the next call reopens) and build the error to throw. */
  #fail(err: unknown, retryMs: number): LabelStoreUnavailableError {
    const state = storeState(err);
    const raw = err instanceof Error ? err.message : String(err);
    // The file's path stays on the server (a response must not show where the volume is mounted).
    const detail = `${raw} (LABELS_DB)`;
    const retryAfterS = state === "busy" ? 1 : Math.ceil(retryMs / 1000);
    this.#failure = new LabelStoreUnavailableError(state, detail, retryAfterS);
    this.#retryAt = this.#now() + (state === "busy" ? 0 : retryMs);
    if (state !== "busy") this.close();
    return this.#failure;
  }

  #prepared(): Statements {
    const db = this.#open();
    return this.#statements ??= {
      get: db.prepare("SELECT anomaly FROM labels WHERE prediction_id = ?"),
      insert: db.prepare(
        "INSERT INTO labels (prediction_id, anomaly, model_version, predicted, served_at, " +
          "features, reading, client, labeled_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      update: db.prepare(
        "UPDATE labels SET anomaly = ?, client = ?, updated_at = ? WHERE prediction_id = ?",
      ),
      verdict: db.prepare(
        "INSERT OR IGNORE INTO verdicts (prediction_id, model_version, predicted) VALUES (?, ?, ?)",
      ),
      verdictsOf: db.prepare(
        "SELECT model_version, predicted FROM verdicts WHERE prediction_id = ?",
      ),
      bump: db.prepare(
        "INSERT INTO tallies (model_version, predicted, anomaly, n) VALUES (?, ?, ?, ?) " +
          "ON CONFLICT (model_version, predicted, anomaly) DO UPDATE SET n = n + excluded.n",
      ),
    };
  }

  /**
   * Store `labels` from `client` in one transaction: all or none. Throws
   * {@link LabelStoreUnavailableError} when the store cannot take them.
   */
  put(labels: readonly LabelInput[], client: string): PutResult {
    const s = this.#prepared();
    const db = this.#db!;
    const result: PutResult = { stored: 0, changed: 0, unchanged: 0, outcomes: [] };
    const now = this.#now();
    try {
      db.exec("BEGIN IMMEDIATE");
      try {
        for (const l of labels) {
          const before = s.get.get(l.predictionId) as { anomaly: number } | undefined;
          const anomaly = l.anomaly ? 1 : 0;
          if (before === undefined) {
            s.insert.run(
              l.predictionId,
              anomaly,
              l.served.modelVersion,
              l.served.predicted ? 1 : 0,
              l.servedAt,
              JSON.stringify(l.features),
              JSON.stringify(l.values),
              client,
              now,
              now,
            );
            result.stored++;
            result.outcomes.push("stored");
          } else if (before.anomaly !== anomaly) {
            s.update.run(anomaly, client, now, l.predictionId);
            // Every verdict on this reading moves from the old label's cell to the new one's.
            for (const v of s.verdictsOf.all(l.predictionId) as unknown as VerdictRow[]) {
              s.bump.run(v.model_version, v.predicted, before.anomaly, -1);
              s.bump.run(v.model_version, v.predicted, anomaly, 1);
            }
            result.changed++;
            result.outcomes.push("changed");
          } else {
            result.unchanged++;
            result.outcomes.push("unchanged");
          }
          for (const v of [l.served, ...(l.others ?? [])]) {
            const predicted = v.predicted ? 1 : 0;
            const added = s.verdict.run(l.predictionId, v.modelVersion, predicted).changes;
            if (Number(added) > 0) s.bump.run(v.modelVersion, predicted, anomaly, 1);
          }
        }
        db.exec("COMMIT");
      } catch (err) {
        try {
          db.exec("ROLLBACK");
        } catch {
          // SQLite rolled back already (a full disk does).
        }
        throw err;
      }
    } catch (err) {
      throw this.#fail(err, REOPEN_AFTER_MS);
    }
    return result;
  }

  /** Outcome counts per model version over every stored label. */
  tallies(): Record<string, VersionTally> {
    const db = this.#open();
    let rows: { model_version: string; predicted: number; anomaly: number; n: number }[];
    try {
      rows = db.prepare(
        "SELECT model_version, predicted, anomaly, n FROM tallies WHERE n > 0",
      ).all() as typeof rows;
    } catch (err) {
      throw this.#fail(err, REOPEN_AFTER_MS);
    }
    const out: Record<string, VersionTally> = {};
    for (const r of rows) {
      const t = out[r.model_version] ??= { tp: 0, fp: 0, fn: 0, tn: 0 };
      const key = r.predicted ? (r.anomaly ? "tp" : "fp") : (r.anomaly ? "fn" : "tn");
      t[key] += r.n;
    }
    return out;
  }

  /** Every stored label with its reading, oldest first. */
  all(): StoredLabel[] {
    const db = this.#open();
    try {
      const rows = db.prepare(
        "SELECT prediction_id, anomaly, model_version, predicted, served_at, labeled_at, " +
          "features, reading FROM labels ORDER BY labeled_at, prediction_id",
      ).all() as Record<string, string | number>[];
      return rows.map((r) => ({
        predictionId: String(r.prediction_id),
        anomaly: r.anomaly === 1,
        modelVersion: String(r.model_version),
        predicted: r.predicted === 1,
        servedAt: Number(r.served_at),
        labeledAt: Number(r.labeled_at),
        features: JSON.parse(String(r.features)),
        values: JSON.parse(String(r.reading)),
      }));
    } catch (err) {
      throw this.#fail(err, REOPEN_AFTER_MS);
    }
  }

  /** Close the file (the next call reopens it). */
  close(): void {
    this.#statements = null;
    const db = this.#db;
    this.#db = null;
    try {
      db?.close();
    } catch {
      // Closing a broken connection: nothing left to release.
    }
  }
}
