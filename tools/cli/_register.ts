/**
 * `deno task train --register [--alias champion|challenger]`: put a trained
 * model (an isolation forest or a temporal window model) into the registry in
 * `MODEL_DIR` instead of the single artifact file, and optionally move an
 * alias to it. A running service picks a moved alias
 * up within `MODEL_POLL_S`, on every replica sharing the directory.
 */
import { type AnyModel, FEATURES } from "../../backend/detector/mod.ts";
import {
  type AliasName,
  isAliasName,
  ModelRegistry,
  shortVersion,
} from "../../backend/store/registry/mod.ts";
import { type CliIo, UsageError } from "./_common.ts";
import type { Evaluation } from "./_byod.ts";

/** Options for {@link registerTrained}. */
export interface RegisterOptions {
  /** The model directory (`MODEL_DIR`). */
  dir: string;
  /** Alias to point at the new version, or null. */
  alias: AliasName | null;
  /** Versions kept besides aliased ones (`MODEL_RETENTION`). */
  retention: number;
  io: CliIo;
  /** The held-out evaluation to keep in the version's metadata (`evaluationRecord`), if any. */
  evaluation?: Record<string, unknown> | null;
}

/**
 * What a version's metadata keeps of an evaluation on labeled data: the
 * pooled reading-level metrics and what they were measured on; null without labels.
 */
export function evaluationRecord(
  evaluation: Evaluation,
  data: string,
  by = "deno task train",
): Record<string, unknown> | null {
  const m = evaluation.pooled.model;
  if (!m) return null;
  return {
    data,
    rows: evaluation.pooled.rows,
    anomalies: evaluation.pooled.anomalies,
    precision: m.precision,
    recall: m.recall,
    f1: m.f1,
    rocAuc: m.roc_auc,
    prAuc: m.pr_auc,
    falseAlarmRate: m.far,
    evaluated_at: new Date().toISOString(),
    evaluated_by: by,
  };
}

/** The alias a `--alias` value names; throws UsageError for any other value. */
export function parseAlias(raw: string): AliasName {
  // A canary also needs its share of traffic: set it with PUT /models/aliases/canary.
  if (!isAliasName(raw) || raw === "canary") {
    throw new UsageError(`--alias must be champion or challenger, got "${raw}"`);
  }
  return raw;
}

/** Register `model` and move the alias; prints what happened. */
export async function registerTrained(model: AnyModel, options: RegisterOptions): Promise<void> {
  const { io, alias } = options;
  const sameFeatures = model.features.length === FEATURES.length &&
    model.features.every((f, i) => f === FEATURES[i]);
  if (alias && !sameFeatures) {
    throw new UsageError(
      `--alias ${alias} needs a model over ${FEATURES.join(",")} (the readings the service ` +
        `scores), got ${model.features.join(",")}; register it without --alias`,
    );
  }
  const registry = new ModelRegistry(options.dir, { retention: options.retention });
  const { meta, created, pruned } = await registry.register(model, {
    source: "deno task train",
  });
  io.out(
    `${created ? "Registered" : "Already registered"} ${meta.version} in ${registry.dir}/versions`,
  );
  for (const version of pruned) io.out(`Removed ${shortVersion(version)} (MODEL_RETENTION)`);
  if (options.evaluation) {
    await registry.recordEvaluation(meta.version, options.evaluation);
    io.out(`Stored the evaluation in ${shortVersion(meta.version)}'s metadata (GET /models)`);
  }
  if (alias) {
    const record = await registry.setAlias(alias, meta.version, "deno task train");
    const previous = record.previous ? ` (was ${shortVersion(record.previous)})` : "";
    io.out(
      `${alias} -> ${shortVersion(meta.version)}${previous}; a running service follows within ` +
        "MODEL_POLL_S (default 5 s)",
    );
  }
}
