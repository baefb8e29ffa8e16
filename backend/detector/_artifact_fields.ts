/**
 * The field readers both artifact codecs (`artifact.ts`, `temporal_artifact.ts`)
 * validate with, so the two formats word their errors alike: TypeError for a
 * wrong shape, RangeError for a wrong value, each naming the field. Pure
 * TypeScript.
 */
import { type GridMap, validateGridMap } from "./grid.ts";

/** A parsed JSON object. */
export type Json = Record<string, unknown>;

/** `value` as JSON for an error message, cut at 40 characters. */
/** `[5, 4, 3]` as "5, 4 or 3", for messages that list what is accepted. */
export function orList(items: readonly unknown[]): string {
  return items.length < 2
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

export function quote(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

/** `value` as an object; throws TypeError naming `field` otherwise. */
export function object(value: unknown, field: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`Artifact field ${field} must be an object, got ${quote(value)}`);
  }
  return value as Json;
}

/** `value` as a finite number; throws TypeError naming `field` otherwise. */
export function finite(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`Artifact field ${field} must be a finite number, got ${quote(value)}`);
  }
  return value;
}

/** What {@link numbers} requires of each entry besides being finite. */
export interface NumbersRule {
  /** Every entry an integer. */
  integer?: boolean;
  /** Every entry above zero. */
  positive?: boolean;
}

/**
 * `value` as an array of finite numbers, of `length` entries unless it is
 * null; throws TypeError (not an array, an entry not a finite number or
 * integer) or RangeError (wrong length, an entry not positive) naming the field.
 */
export function numbers(
  value: unknown,
  field: string,
  length: number | null,
  rule: NumbersRule = {},
): number[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`Artifact field ${field} must be an array, got ${quote(value)}`);
  }
  if (length !== null && value.length !== length) {
    throw new RangeError(
      `Artifact field ${field} must have ${length} entries, got ${value.length}`,
    );
  }
  const integer = rule.integer === true;
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    if (typeof v !== "number" || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      throw new TypeError(
        `Artifact field ${field}[${i}] must be a finite ${integer ? "integer" : "number"}, ` +
          `got ${quote(v)}`,
      );
    }
    if (rule.positive && !(v > 0)) {
      throw new RangeError(`Artifact field ${field}[${i}] must be positive, got ${v}`);
    }
  }
  return value as number[];
}

/** What identifies one artifact kind: its `format`, `formatVersion` and detector `name`. */
export interface ArtifactKind {
  format: string;
  formatVersion: number;
  /** Older format versions that still load (their readers keep the old behaviour). */
  olderVersions?: readonly number[];
  name: string;
}

/**
 * Parse artifact text and check its header against `kind`: the JSON object,
 * `format`, `formatVersion`, `version` (`sha256:` and 64 hex digits) and
 * `name`. Returns the document, its version and its format version.
 */
export function readHeader(
  text: string,
  kind: ArtifactKind,
): { root: Json; version: string; formatVersion: number } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new TypeError(`Artifact is not valid JSON: ${(err as Error).message}`);
  }
  const root = object(doc, "(document)");
  if (root.format !== kind.format) {
    throw new TypeError(`Artifact format must be "${kind.format}", got ${quote(root.format)}`);
  }
  const accepted = [kind.formatVersion, ...(kind.olderVersions ?? [])];
  if (!accepted.includes(root.formatVersion as number)) {
    throw new RangeError(
      `Artifact format version ${quote(root.formatVersion)} is not supported (expected ${
        orList(accepted)
      })`,
    );
  }
  const version = root.version;
  if (typeof version !== "string" || !/^sha256:[0-9a-f]{64}$/.test(version)) {
    throw new TypeError(
      `Artifact field version must be "sha256:" and 64 hex digits, got ${quote(version)}`,
    );
  }
  if (root.name !== kind.name) {
    throw new TypeError(`Artifact field name must be "${kind.name}", got ${quote(root.name)}`);
  }
  return { root, version, formatVersion: root.formatVersion as number };
}

/** The model config `validate` returns; its error becomes "Artifact config is invalid: ...". */
export function validConfig<C>(validate: () => C): C {
  try {
    return validate();
  } catch (err) {
    throw new RangeError(`Artifact config is invalid: ${(err as Error).message}`);
  }
}

/** The artifact's grid map, checked against `features`; a wrong value is a RangeError. */
export function gridField(value: unknown, features: readonly string[]): GridMap {
  try {
    return validateGridMap(object(value, "grid"), features);
  } catch (err) {
    if (err instanceof TypeError) throw err;
    throw new RangeError(`Artifact field grid is invalid: ${(err as Error).message}`);
  }
}

/** Throws RangeError unless the model rebuilt from the fields hashes to the stored `version`. */
export function checkContentHash(contentHash: string, version: string): void {
  if (contentHash !== version) {
    throw new RangeError(
      `Artifact content hash ${contentHash.slice(0, 19)}... does not match its version ` +
        `${version.slice(0, 19)}... (the file was modified or damaged)`,
    );
  }
}
