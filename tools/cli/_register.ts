/**
 * `deno task train --register [--alias champion|challenger]`: put a trained
 * model into the registry in `MODEL_DIR` instead of the single artifact file,
 * and optionally move an alias to it. A running service picks a moved alias
 * up within `MODEL_POLL_S`, on every replica sharing the directory.
 */
import { FEATURES, type Model } from "../../backend/detector/mod.ts";
import {
  type AliasName,
  isAliasName,
  ModelRegistry,
  shortVersion,
} from "../../backend/store/registry/mod.ts";
import { type CliIo, UsageError } from "./_common.ts";

/** Options for {@link registerTrained}. */
export interface RegisterOptions {
  /** The model directory (`MODEL_DIR`). */
  dir: string;
  /** Alias to point at the new version, or null. */
  alias: AliasName | null;
  /** Versions kept besides aliased ones (`MODEL_RETENTION`). */
  retention: number;
  io: CliIo;
}

/** The alias a `--alias` value names; throws UsageError for any other value. */
export function parseAlias(raw: string): AliasName {
  if (!isAliasName(raw)) {
    throw new UsageError(`--alias must be champion or challenger, got "${raw}"`);
  }
  return raw;
}

/** Register `model` and move the alias; prints what happened. */
export async function registerTrained(model: Model, options: RegisterOptions): Promise<void> {
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
  if (alias) {
    const record = await registry.setAlias(alias, meta.version, "deno task train");
    const previous = record.previous ? ` (was ${shortVersion(record.previous)})` : "";
    io.out(
      `${alias} -> ${shortVersion(meta.version)}${previous}; a running service follows within ` +
        "MODEL_POLL_S (default 5 s)",
    );
  }
}
