/**
 * The temporal model artifact's canonical text and content hash, as
 * `_canonical.ts` does for the forest: fields in a fixed order, numbers in
 * JavaScript's shortest round-trip form, the version the SHA-256 of the text
 * without the `version` line.
 */
import type { TemporalParts } from "./temporal.ts";
import { documentText, gridText, headerLines, list, sha256Version } from "./_canonical.ts";

/** The artifact's `format` field. */
export const TEMPORAL_FORMAT = "grid-anomaly/temporal-window";

/** The artifact's `formatVersion`; bump it when the layout or the scoring rules change. */
export const TEMPORAL_FORMAT_VERSION = 7;

/**
 * Older versions that still load and score by their own rules: format 6
 * scores a window at its full length only, with a recent half that must
 * agree (`temporal.ts`, `recentLength()`, `halfScale()`); format 5 also has
 * no daily cycle (`diurnal.ts`; a format 6 artifact has one when training had
 * times covering the day); format 4 also differs in how training read the
 * statistics' tails (`temporal.ts`, `tailQuantile()`); format 3 also in the
 * recent-half agreement (`agreementWeight()`).
 */
export const TEMPORAL_OLDER_VERSIONS: readonly number[] = Object.freeze([6, 5, 4, 3]);

/** The artifact text for `parts`; with `version` null, the text that is hashed. */
export function renderTemporalArtifact(parts: TemporalParts, version: string | null): string {
  const { config, meters, pooled, calibration } = parts;
  const lines = [
    ...headerLines(
      TEMPORAL_FORMAT,
      parts.formatVersion ?? TEMPORAL_FORMAT_VERSION,
      version,
      "temporal_window",
    ),
    `"features": ${JSON.stringify(parts.features)}`,
    `"config": ${JSON.stringify({ window: config.window, contamination: config.contamination })}`,
    `"threshold": ${JSON.stringify(parts.threshold)}`,
    `"grid": ${gridText(parts.grid, parts.features)}`,
    `"meters": {"ids": ${JSON.stringify(meters.ids)}, "mean": ${list(meters.mean)}, "sd": ${
      list(meters.sd)
    }, "noise": ${list(meters.noise)}, "coupling": ${list(meters.coupling)}}`,
    `"pooled": {"mean": ${list(pooled.mean)}, "sd": ${list(pooled.sd)}, "noise": ${
      list(pooled.noise)
    }, "coupling": ${list(pooled.coupling)}}`,
    `"calibration": {"center": ${list(calibration.center)}, "scale": ${
      list(calibration.scale)
    }, "limit": ${list(calibration.limit)}}`,
    // Only a model with a daily cycle has the field, so older formats' text stays as it was.
    ...(parts.diurnal
      ? [
        `"diurnal": {"meters": ${list(parts.diurnal.meters)}, "pooled": ${
          list(parts.diurnal.pooled)
        }}`,
      ]
      : []),
    `"training": ${JSON.stringify(parts.training)}`,
  ];
  return documentText(lines);
}

/** The content hash of `parts`: `sha256:` and 64 hex digits. */
export function temporalContentHash(parts: TemporalParts): string {
  return sha256Version(renderTemporalArtifact(parts, null));
}
