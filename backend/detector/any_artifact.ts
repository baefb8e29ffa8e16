/**
 * Any detector's artifact: the isolation forest's or the temporal model's,
 * told apart by the `format` field, so the tools and the service load
 * whichever a user trained. Pure TypeScript.
 */
import { ARTIFACT_FORMAT, parseArtifact, serializeArtifact } from "./artifact.ts";
import { Model, type ModelOptions } from "./model.ts";
import { TEMPORAL_FORMAT } from "./_temporal_canonical.ts";
import { parseTemporalArtifact, serializeTemporalArtifact } from "./temporal_artifact.ts";
import type { TemporalModel } from "./temporal.ts";

/** A loaded detector of either kind. */
export type AnyModel = Model | TemporalModel;

/** The `format` of an artifact text without validating the rest, or null when it has none. */
export function artifactFormat(text: string): string | null {
  // Both writers put the format on the second line; fall back to parsing for reformatted JSON.
  const match = /^\{\s*"format":\s*("[^"]*")/.exec(text);
  if (match) return JSON.parse(match[1]);
  try {
    const doc = JSON.parse(text);
    return typeof doc?.format === "string" ? doc.format : null;
  } catch {
    return null;
  }
}

/**
 * Parse and validate an artifact of either kind. Throws TypeError/RangeError
 * naming the field, as `parseArtifact` and `parseTemporalArtifact` do.
 */
export function parseAnyArtifact(text: string, options: ModelOptions = {}): AnyModel {
  const format = artifactFormat(text);
  if (format === TEMPORAL_FORMAT) {
    return parseTemporalArtifact(text, {
      ...(options.source !== undefined ? { source: options.source } : {}),
      ...(options.createdAt !== undefined ? { createdAt: options.createdAt } : {}),
      ...(options.ratedCurrent !== undefined ? { ratedCurrent: options.ratedCurrent } : {}),
      ...(options.warning !== undefined ? { warning: options.warning } : {}),
    });
  }
  if (format !== null && format !== ARTIFACT_FORMAT) {
    throw new TypeError(
      `Artifact format must be "${ARTIFACT_FORMAT}" or "${TEMPORAL_FORMAT}", got "${format}"`,
    );
  }
  return parseArtifact(text, options);
}

/** The artifact text of a detector of either kind. */
export function serializeAnyArtifact(model: AnyModel): string {
  return model instanceof Model ? serializeArtifact(model) : serializeTemporalArtifact(model);
}
