/**
 * The model registry over HTTP: `GET /models` lists versions and aliases,
 * what this worker serves and this replica's lifecycle figures (public,
 * read-only), `GET /models/aliases/{alias}/history` lists every accepted change
 * newest first (public: the audit trail), `PUT /models/aliases/{alias}` moves
 * an alias (optionally compare-and-set with `expected_version`, with a
 * `reason`; the canary also takes its `percent`) and `DELETE
 * /models/aliases/{challenger,canary}` ends a shadow experiment or a canary
 * (admin: `Authorization: Bearer <token>`, whose name is the actor). A moved
 * alias is served by this replica as soon as the call returns and by every
 * other replica within `MODEL_POLL_S`. An alias moves only to a version that
 * loads (422 otherwise); store failures answer 503 with `Retry-After`.
 */
import { Hono } from "hono";
import type { Logger } from "../../../lib/logger.ts";
import type { ModelLifecycle } from "../../mlops/model_lifecycle.ts";
import { monitoringSummary } from "../../mlops/monitoring_summary.ts";
import type { DriftSettings } from "../../mlops/drift_check.ts";
import { renderDriftReport } from "../../mlops/drift_report.ts";
import type { MonitoringSummary } from "../../../lib/contract.ts";
import { precision, recall } from "../../mlops/feedback.ts";
import { type LabelStore, LabelStoreUnavailableError } from "../../store/label_store.ts";
import { adminAuth, type AdminVariables } from "../middleware/admin_auth.ts";
import { jsonBody, type JsonBodyVariables } from "../middleware/json_body.ts";
import { HttpError } from "../../../lib/problem.ts";
import {
  AliasConflictError,
  type AliasName,
  type AliasRecord,
  type ModelRegistry,
  shortVersion,
  StoreUnavailableError,
  type VersionMeta,
  VersionNotFoundError,
  versionPrefix,
  VersionUnusableError,
} from "../../store/registry/mod.ts";
import type { NamedToken } from "../../mlops/admin_auth.ts";
import type { ServiceState } from "../../predict/state.ts";
import type { RequestIdVariables } from "../middleware/request_id.ts";
import type { Config } from "../../config.ts";
import type { HistoryEntry } from "../../store/registry/mod.ts";

/**
 * Largest admin request body: a version, an expected version and a reason of
 * {@link MAX_REASON_CHARS} characters fit with room to spare.
 */
const MAX_ADMIN_BODY_BYTES = 4_096;

/** What the models routes need. */
export interface ModelsDeps {
  registry: ModelRegistry;
  state: ServiceState;
  lifecycle: ModelLifecycle;
  logger: Logger;
  servedBy: string;
  /** Named admin tokens (`ADMIN_TOKENS`); empty turns the admin endpoints off. */
  adminTokens: readonly NamedToken[];
  pollSeconds: number;
  shadowRate: number;
  /** The canary guard's settings (`CANARY_*`), shown with the canary. */
  canaryGuard: Config["canary"];
  retention: number;
  bodyTimeoutMs: number;
  /** Re-read the aliases now (this replica converges before the admin call returns). */
  refresh: () => Promise<void>;
  /** This replica's metrics exposition (aggregated over workers), for `monitoring`. */
  collectMetrics: () => Promise<string>;
  /** The drift settings (`DRIFT_*`): thresholds and window of `monitoring.drift`. */
  drift: DriftSettings;
  /** The label store: live precision per version from every stored label. */
  labels?: LabelStore;
}

/** Live precision per version from the label store, or the reason it cannot say. */
function storedFeedback(labels: LabelStore | undefined, fallback: MonitoringSummary["feedback"]) {
  if (!labels) return { feedback: fallback, label_store: { state: "ok" as string, detail: null } };
  try {
    const feedback: MonitoringSummary["feedback"] = {};
    for (const [version, t] of Object.entries(labels.tallies())) {
      feedback[version] = { ...t, precision: precision(t), recall: recall(t) };
    }
    return { feedback, label_store: { state: "ok", detail: null } };
  } catch (err) {
    if (!(err instanceof LabelStoreUnavailableError)) throw err;
    return { feedback: {}, label_store: { state: err.state as string, detail: err.message } };
  }
}

/** The experiment (shadowed pair) as the registry dates it and this replica counts it. */
function experimentView(
  lifecycle: ModelLifecycle,
  aliases: Record<AliasName, AliasRecord | null>,
) {
  const pair = lifecycle.experiment;
  if (!pair) return null;
  // The pair exists since the later of the two alias moves; this replica counts since it saw it.
  const moved = [aliases.champion?.updated_at, aliases.challenger?.updated_at]
    .filter((t): t is string => typeof t === "string" && t !== "").sort();
  return {
    champion: pair.champion,
    challenger: pair.challenger,
    started_at: moved.at(-1) ?? pair.since,
    counted_since: pair.since,
  };
}

/**
 * The canary as `GET /models` shows it: the alias, what this replica routes,
 * the guard's latest window (champion against canary) and the last rollback.
 */
function canaryView(
  lifecycle: ModelLifecycle,
  record: AliasRecord | null,
  history: HistoryEntry[],
  guard: Config["canary"],
) {
  const status = lifecycle.canary.status;
  const last = history.find((e) => e.version === null && e.actor === "canary-guard") ?? null;
  return {
    alias: aliasView(record),
    serving: lifecycle.canary.canary?.info.version ?? null,
    percent: lifecycle.canary.canary ? status.percent : 0,
    reason: status.reason,
    rollbacks: status.rollbacks,
    health: status.health,
    last_rollback: last
      ? {
        at: last.at,
        model_version: last.previous ? shortVersion(last.previous) : null,
        reason: last.reason,
      }
      : null,
    guard: {
      window_s: guard.windowSeconds,
      max_error_rate: guard.maxErrorRate,
      max_p99_ratio: guard.maxP99Ratio,
      max_anomaly_ratio: guard.maxAnomalyRatio,
      min_requests: guard.minRequests,
    },
  };
}

/** A canary must be another version than the champion and read the same readings; 422 otherwise. */
async function checkCanary(
  registry: ModelRegistry,
  state: ServiceState,
  version: string,
): Promise<void> {
  if ((await registry.getAlias("champion"))?.version === version) {
    throw new HttpError(
      "validation",
      `Version ${shortVersion(version)} is the champion: a canary is another version that ` +
        "answers a share of the champion's requests; alias canary is unchanged",
      { errors: [{ path: "version", message: "the canary must not be the champion" }] },
    );
  }
  const champion = state.detector?.info.features;
  const meta = await registry.meta(version).catch(() => null);
  if (!champion || !meta) return;
  if (meta.features.join(",") !== champion.join(",")) {
    throw new HttpError(
      "validation",
      `Version ${shortVersion(version)} scores ${meta.features.join(", ")}, the champion ` +
        `${champion.join(", ")}: a canary answers the champion's requests and must read the same ` +
        "features; alias canary is unchanged",
      { errors: [{ path: "version", message: "the canary must have the champion's features" }] },
    );
  }
}

/** An alias as `GET /models` and the admin endpoints show it. */
function aliasView(record: AliasRecord | null) {
  if (!record) return null;
  return { ...record, model_version: shortVersion(record.version) };
}

function versionView(meta: VersionMeta, aliases: Record<AliasName, AliasRecord | null>) {
  const training = meta.training as { data?: unknown; evaluation?: unknown; samples?: unknown };
  return {
    version: meta.version,
    model_version: meta.short,
    created_at: meta.created_at,
    source: meta.source,
    detector: meta.detector,
    aliases: (["champion", "challenger", "canary"] as const).filter((a) =>
      aliases[a]?.version === meta.version
    ),
    features: meta.features,
    config: meta.config,
    threshold: meta.threshold,
    data: training.data ?? null,
    // An evaluation recorded after registration (own data, labels) wins over training's own.
    evaluation: meta.evaluation ?? training.evaluation ?? null,
    drift_reference: "driftReference" in meta.training,
    reference_sample: "referenceSample" in meta.training,
  };
}

/** Longest `reason` accepted on an alias change (characters). */
export const MAX_REASON_CHARS = 500;

const PUT_FIELDS = ["version", "expected_version", "reason"];
const CANARY_FIELDS = ["version", "percent", "expected_version", "reason"];

/** The alias change a PUT body asks for; throws HttpError (422) naming each bad field. */
function readAliasChange(input: unknown, alias: AliasName): {
  ref: unknown;
  expected: string | null | undefined;
  reason: string | null;
  percent: number | undefined;
} {
  const fields = alias === "canary" ? CANARY_FIELDS : PUT_FIELDS;
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new HttpError("validation", "The body must be a JSON object with a version", {
      errors: [{ path: "(body)", message: "(body) must be an object" }],
    });
  }
  const body = input as Record<string, unknown>;
  const errors: { path: string; message: string }[] = [];
  for (const key of Object.keys(body)) {
    if (!fields.includes(key)) {
      errors.push({
        path: key.slice(0, 40),
        message: `${key.slice(0, 40)} is not a field of ${
          alias === "canary" ? "a canary" : "an alias"
        } change; send ${fields.join(", ")}`,
      });
    }
  }
  let percent: number | undefined;
  if (alias === "canary") {
    const p = body.percent;
    if (typeof p !== "number" || !Number.isFinite(p) || p <= 0 || p > 100) {
      errors.push({
        path: "percent",
        message: `percent must be a number above 0 and at most 100 (the share of /predict ` +
          `requests the canary answers), got ${JSON.stringify(p ?? null).slice(0, 40)}`,
      });
    } else percent = p;
  }
  let expected: string | null | undefined;
  if ("expected_version" in body && body.expected_version !== null) {
    try {
      versionPrefix(body.expected_version);
      expected = body.expected_version as string;
    } catch (err) {
      errors.push({
        path: "expected_version",
        message: `expected_version ${(err as Error).message.replace(/^version /, "")}` +
          ' (or null: "the alias must be unset")',
      });
    }
  } else if ("expected_version" in body) {
    expected = null;
  }
  let reason: string | null = null;
  if (body.reason !== undefined && body.reason !== null) {
    if (typeof body.reason !== "string") {
      errors.push({ path: "reason", message: "reason must be a string" });
    } else if (body.reason.length > MAX_REASON_CHARS) {
      errors.push({
        path: "reason",
        message: `reason must have at most ${MAX_REASON_CHARS} characters, got ` +
          `${body.reason.length}`,
      });
    } else if ([...body.reason].some((ch) => ch < " " || ch === "\x7f")) {
      errors.push({ path: "reason", message: "reason must not contain control characters" });
    } else {
      reason = body.reason.trim() || null;
    }
  }
  if (errors.length > 0) {
    throw new HttpError("validation", errors.map((e) => e.message).join("; "), { errors });
  }
  return { ref: body.version, expected, reason, percent };
}

/** The problem a registry error becomes; other errors are rethrown as they are. */
function registryProblem(err: unknown, alias: AliasName): never {
  if (err instanceof StoreUnavailableError) {
    throw new HttpError("store-unavailable", `${err.message}; alias ${alias} is unchanged`, {
      headers: { "retry-after": String(err.retryAfterSeconds) },
      extra: { store_state: err.state },
    });
  }
  if (err instanceof VersionUnusableError) {
    throw new HttpError(
      "unusable-version",
      `Version ${shortVersion(err.version)} cannot be served: ${err.message}; alias ${alias} ` +
        "is unchanged",
      { extra: { version: err.version } },
    );
  }
  if (err instanceof AliasConflictError) {
    throw new HttpError("conflict", err.message, {
      extra: {
        current_version: err.current?.version ?? null,
        current_model_version: err.current ? shortVersion(err.current.version) : null,
      },
    });
  }
  if (err instanceof VersionNotFoundError) throw new HttpError("not-found", err.message);
  throw err;
}

/** Wait for `promise` at most `ms`; false when the deadline came first. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Longest an admin call waits for this replica to apply an alias change. */
const APPLY_DEADLINE_MS = 15_000;

/** Create the models sub-app. */
export function modelsRoutes(deps: ModelsDeps): Hono<{ Variables: RequestIdVariables }> {
  const { registry, state, lifecycle, logger } = deps;
  const app = new Hono<
    { Variables: RequestIdVariables & JsonBodyVariables & AdminVariables }
  >();
  const admin = adminAuth({ tokens: deps.adminTokens });
  const body = jsonBody({
    maxBytes: MAX_ADMIN_BODY_BYTES,
    timeoutMs: deps.bodyTimeoutMs,
    limitName: "the admin request limit",
  });

  app.get("/models", async (c) => {
    const [versions, champion, challenger, canary, canaryHistory, exposition] = await Promise
      .all([
        registry.list(),
        registry.aliasStatus("champion"),
        registry.aliasStatus("challenger"),
        registry.aliasStatus("canary"),
        registry.history("canary").catch(() => []),
        deps.collectMetrics(),
      ]);
    const aliases = {
      champion: champion.record,
      challenger: challenger.record,
      canary: canary.record,
    };
    const status = state.modelStatus;
    const summary = monitoringSummary(exposition, {
      drift: deps.drift,
      features: state.detector?.info.features ?? [],
    });
    const { feedback, label_store } = storedFeedback(deps.labels, summary.feedback);
    return c.json({
      aliases: {
        champion: aliasView(aliases.champion),
        challenger: aliasView(aliases.challenger),
        canary: aliasView(aliases.canary),
      },
      ...(champion.problem || challenger.problem || canary.problem
        ? {
          alias_problems: {
            ...(champion.problem ? { champion: champion.problem } : {}),
            ...(challenger.problem ? { challenger: challenger.problem } : {}),
            ...(canary.problem ? { canary: canary.problem } : {}),
          },
        }
        : {}),
      experiment: experimentView(lifecycle, aliases),
      canary: canaryView(lifecycle, canary.record, canaryHistory, deps.canaryGuard),
      serving: {
        served_by: deps.servedBy,
        champion: state.detector?.info.version ?? null,
        intended: status?.intended ? shortVersion(status.intended) : null,
        matches_alias: status ? status.matches : null,
        reason: status?.reason ?? status?.pinned ?? null,
        challenger: lifecycle.challenger?.info.version ?? null,
        shadowing: lifecycle.shadowed !== null,
        shadow_rate: deps.shadowRate,
        poll_interval_s: deps.pollSeconds,
      },
      retention: deps.retention,
      versions: versions.map((m) => versionView(m, aliases)),
      drift_report: "/models/drift/report",
      monitoring: { ...summary, feedback, label_store },
    });
  });

  // This worker's window against the champion's training sample, as a page a person reads.
  app.get("/models/drift/report", (c) => {
    const check = lifecycle.drift;
    const champion = state.detector;
    if (!check || !champion) {
      throw new HttpError(
        "not-ready",
        "No drift report: no champion with a drift reference is loaded",
      );
    }
    c.header("cache-control", "no-store");
    return c.html(renderDriftReport(check.evaluate(), check.samples(), {
      source: `${deps.servedBy}, the last ${deps.drift.maxAgeSeconds} s (at most ` +
        `${deps.drift.capacity} readings)`,
      modelVersion: shortVersion(champion.info.version),
      generatedAt: new Date().toISOString(),
    }));
  });

  for (const alias of ["champion", "challenger", "canary"] as const) {
    app.get(`/models/aliases/${alias}/history`, async (c) => {
      const entries = await registry.history(alias);
      return c.json({
        alias,
        entries: entries.map((e) => ({
          seq: e.seq,
          version: e.version,
          model_version: e.version ? shortVersion(e.version) : null,
          previous: e.previous,
          at: e.at,
          actor: e.actor,
          reason: e.reason,
          ...(e.percent !== undefined ? { percent: e.percent } : {}),
        })),
      });
    });

    app.put(`/models/aliases/${alias}`, admin, body, async (c) => {
      const { ref, expected, reason, percent } = readAliasChange(c.get("body"), alias);
      const actor = c.get("actor");
      let version: string;
      try {
        version = await registry.resolve(ref);
      } catch (err) {
        if (err instanceof TypeError) {
          throw new HttpError("validation", err.message, {
            errors: [{ path: "version", message: err.message }],
          });
        }
        registryProblem(err, alias);
      }
      const pinned = state.modelStatus?.pinned;
      if (pinned) {
        throw new HttpError(
          "conflict",
          `Alias ${alias} is unchanged: ${pinned}`,
          { extra: { current_version: (await registry.getAlias(alias))?.version ?? null } },
        );
      }
      if (alias === "canary") await checkCanary(registry, state, version);
      let record: AliasRecord;
      try {
        record = await registry.setAlias(alias, version, actor, {
          reason,
          ...(expected !== undefined ? { expectedVersion: expected } : {}),
          ...(percent !== undefined ? { percent } : {}),
        });
      } catch (err) {
        registryProblem(err, alias);
      }
      logger.info("model_alias_set", {
        request_id: c.get("requestId"),
        alias,
        version: shortVersion(version),
        previous: record.previous ? shortVersion(record.previous) : null,
        actor,
        reason,
        ...(percent !== undefined ? { percent } : {}),
      });
      const refreshed = await within(deps.refresh(), APPLY_DEADLINE_MS);
      const served = alias === "champion"
        ? state.detector?.info.version
        : alias === "canary"
        ? (lifecycle.canary.status.percent === percent ? lifecycle.canary.canary : null)?.info
          .version
        : lifecycle.challenger?.info.version;
      // Only a replica that follows the registry (it has a model status) can say what it applied.
      const applied = state.modelStatus ? served === shortVersion(version) : null;
      if (state.modelStatus && !applied) {
        logger.error("model_alias_not_applied", {
          alias,
          version: shortVersion(version),
          refreshed,
          serving: served ?? null,
          reason: state.modelStatus.reason,
        });
      }
      return c.json({
        ...aliasView(record),
        applied_here: applied,
        converges_within_s: deps.pollSeconds,
      });
    });
  }

  for (const alias of ["challenger", "canary"] as const) {
    app.delete(`/models/aliases/${alias}`, admin, async (c) => {
      const before = await registry.getAlias(alias);
      let removed: boolean;
      try {
        removed = await registry.deleteAlias(alias, c.get("actor"));
      } catch (err) {
        registryProblem(err, alias);
      }
      logger.info("model_alias_removed", {
        request_id: c.get("requestId"),
        alias,
        version: before ? shortVersion(before.version) : null,
        actor: c.get("actor"),
      });
      await within(deps.refresh(), APPLY_DEADLINE_MS);
      return c.json({
        alias,
        removed: removed && before ? before.version : null,
        converges_within_s: deps.pollSeconds,
      });
    });
  }
  return app as unknown as Hono<{ Variables: RequestIdVariables }>;
}
