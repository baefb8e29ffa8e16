/**
 * The model registry over HTTP: `GET /models` lists versions and aliases,
 * what this worker serves and this replica's lifecycle figures (public,
 * read-only), `PUT /models/aliases/{champion|challenger}` moves an
 * alias and `DELETE /models/aliases/challenger` ends a shadow experiment
 * (admin: `Authorization: Bearer $ADMIN_TOKEN`). A moved alias is served by
 * this replica as soon as the call returns and by every other replica
 * within `MODEL_POLL_S`.
 */
import { Hono } from "hono";
import type { Logger } from "../../../lib/logger.ts";
import type { ModelLifecycle } from "../../mlops/model_lifecycle.ts";
import { monitoringSummary } from "../../mlops/monitoring_summary.ts";
import { adminAuth } from "../middleware/admin_auth.ts";
import { jsonBody, type JsonBodyVariables } from "../middleware/json_body.ts";
import { HttpError } from "../../../lib/problem.ts";
import {
  type AliasName,
  type AliasRecord,
  type ModelRegistry,
  shortVersion,
  type VersionMeta,
  VersionNotFoundError,
} from "../../store/registry/mod.ts";
import type { ServiceState } from "../../predict/state.ts";
import type { RequestIdVariables } from "../middleware/request_id.ts";

/** Largest admin request body: `{"version": "sha256:..."}` needs about 90 bytes. */
const MAX_ADMIN_BODY_BYTES = 4_096;

/** What the models routes need. */
export interface ModelsDeps {
  registry: ModelRegistry;
  state: ServiceState;
  lifecycle: ModelLifecycle;
  logger: Logger;
  servedBy: string;
  adminToken: string | null;
  pollSeconds: number;
  shadowRate: number;
  retention: number;
  bodyTimeoutMs: number;
  /** Re-read the aliases now (this replica converges before the admin call returns). */
  refresh: () => Promise<void>;
  /** This replica's metrics exposition (aggregated over workers), for `monitoring`. */
  collectMetrics: () => Promise<string>;
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
    aliases: (["champion", "challenger"] as const).filter((a) =>
      aliases[a]?.version === meta.version
    ),
    features: meta.features,
    config: meta.config,
    threshold: meta.threshold,
    data: training.data ?? null,
    evaluation: training.evaluation ?? null,
    drift_reference: "driftReference" in meta.training,
  };
}

/** Create the models sub-app. */
export function modelsRoutes(deps: ModelsDeps): Hono<{ Variables: RequestIdVariables }> {
  const { registry, state, lifecycle, logger } = deps;
  const app = new Hono<{ Variables: RequestIdVariables & JsonBodyVariables }>();
  const admin = adminAuth({ token: deps.adminToken });
  const body = jsonBody({ maxBytes: MAX_ADMIN_BODY_BYTES, timeoutMs: deps.bodyTimeoutMs });

  app.get("/models", async (c) => {
    const [versions, aliases, exposition] = await Promise.all([
      registry.list(),
      registry.aliases(),
      deps.collectMetrics(),
    ]);
    return c.json({
      aliases: { champion: aliasView(aliases.champion), challenger: aliasView(aliases.challenger) },
      serving: {
        served_by: deps.servedBy,
        champion: state.detector?.info.version ?? null,
        challenger: lifecycle.challenger?.info.version ?? null,
        shadowing: lifecycle.shadowed !== null,
        shadow_rate: deps.shadowRate,
        poll_interval_s: deps.pollSeconds,
      },
      retention: deps.retention,
      versions: versions.map((m) => versionView(m, aliases)),
      monitoring: monitoringSummary(exposition),
    });
  });

  for (const alias of ["champion", "challenger"] as const) {
    app.put(`/models/aliases/${alias}`, admin, body, async (c) => {
      const input = c.get("body");
      const ref = typeof input === "object" && input !== null && !Array.isArray(input)
        ? (input as Record<string, unknown>).version
        : undefined;
      let version: string;
      try {
        version = await registry.resolve(ref);
      } catch (err) {
        if (err instanceof TypeError) {
          throw new HttpError("validation", err.message, {
            errors: [{ path: "version", message: err.message }],
          });
        }
        if (err instanceof VersionNotFoundError) throw new HttpError("not-found", err.message);
        throw err;
      }
      let record: AliasRecord;
      try {
        record = await registry.setAlias(alias, version, `admin api (${deps.servedBy})`);
      } catch (err) {
        if (err instanceof VersionNotFoundError) throw new HttpError("not-found", err.message);
        throw err;
      }
      logger.info("model_alias_set", {
        request_id: c.get("requestId"),
        alias,
        version: shortVersion(version),
        previous: record.previous ? shortVersion(record.previous) : null,
      });
      await deps.refresh();
      return c.json({ ...aliasView(record), converges_within_s: deps.pollSeconds });
    });
  }

  app.delete("/models/aliases/challenger", admin, async (c) => {
    const before = await registry.getAlias("challenger");
    const removed = await registry.deleteAlias("challenger");
    logger.info("model_alias_removed", {
      request_id: c.get("requestId"),
      alias: "challenger",
      version: before ? shortVersion(before.version) : null,
    });
    await deps.refresh();
    return c.json({
      alias: "challenger",
      removed: removed && before ? before.version : null,
      converges_within_s: deps.pollSeconds,
    });
  });
  return app as unknown as Hono<{ Variables: RequestIdVariables }>;
}
