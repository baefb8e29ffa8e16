/**
 * The `GET /model` metadata both detectors build the same way from their
 * parts, content hash and options. Pure TypeScript.
 */
import type { DetectorInfo } from "./types.ts";

/** Hex digits of the content hash that `info.version` shows. */
const VERSION_DIGITS = 12;

/** What a model's options add to its info. */
export interface InfoOptions {
  source?: string | undefined;
  artifact?: string | undefined;
  createdAt?: string | undefined;
  warning?: string | undefined;
}

/**
 * The info of a model named `name`: its short version, the parts' features,
 * config, threshold and training summary, and where it came from (default
 * "constructed in memory"); `artifact`, `createdAt` and `warning` only when given.
 */
export function detectorInfo<I extends DetectorInfo>(
  name: I["name"],
  contentHash: string,
  parts: Pick<I, "features" | "config" | "threshold" | "training">,
  options: InfoOptions,
): I {
  return {
    name,
    version: contentHash.slice(0, "sha256:".length + VERSION_DIGITS),
    features: parts.features,
    config: parts.config,
    threshold: parts.threshold,
    training: parts.training,
    source: options.source ?? "constructed in memory",
    ...(options.artifact ? { artifact: options.artifact } : {}),
    ...(options.createdAt ? { createdAt: options.createdAt } : {}),
    ...(options.warning ? { warning: options.warning } : {}),
  } as I;
}
