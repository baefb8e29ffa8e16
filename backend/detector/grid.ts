/**
 * Which features are grid quantities. Grid rules (EN 50160 bands, rated
 * current, sensor plausibility) only make sense for a value that really is a
 * supply voltage in volts, a current in amperes or a frequency in hertz; a
 * column that merely has such a name is not. A model records its grid map
 * (feature name to quantity); the workshop's model maps `voltage`, `current`
 * and `frequency` to themselves. Pure TypeScript.
 */
import { type Feature, FEATURES } from "./types.ts";

/** Feature name to the grid quantity it measures; features not listed are not grid quantities. */
export type GridMap = Readonly<Record<string, Feature>>;

/** The map a model without an explicit one gets: features named like a quantity are that quantity. */
export function defaultGridMap(features: readonly string[]): GridMap {
  const map: Record<string, Feature> = {};
  for (const f of features) if ((FEATURES as readonly string[]).includes(f)) map[f] = f as Feature;
  return map;
}

/** Per feature, the grid quantity it measures or "" (what `explain` and `hasSensorFault` read). */
export function quantitiesOf(features: readonly string[], grid: GridMap): string[] {
  return features.map((f) => (Object.hasOwn(grid, f) ? grid[f] : ""));
}

/** True when two grid maps are the same. */
export function sameGridMap(a: GridMap, b: GridMap): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

/**
 * Check a grid map against the features; throws RangeError naming the bad
 * entry (unknown feature, unknown quantity, a quantity claimed twice).
 */
export function validateGridMap(
  grid: Record<string, unknown>,
  features: readonly string[],
): GridMap {
  const seen = new Set<string>();
  for (const [feature, quantity] of Object.entries(grid)) {
    if (!features.includes(feature)) {
      throw new RangeError(
        `Grid map names "${feature}", which is not a feature (features: ${features.join(",")})`,
      );
    }
    if (typeof quantity !== "string" || !(FEATURES as readonly string[]).includes(quantity)) {
      throw new RangeError(
        `Grid quantity of "${feature}" must be one of ${FEATURES.join(", ")}, got ${
          JSON.stringify(quantity)
        }`,
      );
    }
    if (seen.has(quantity)) {
      throw new RangeError(`Grid quantity ${quantity} is given to more than one feature`);
    }
    seen.add(quantity);
  }
  return grid as GridMap;
}

/**
 * Parse `--grid`: comma-separated `column=quantity` pairs, or a bare quantity
 * name for a column of that name (`voltage,i=current`).
 */
export function parseGridSpec(text: string, features: readonly string[]): GridMap {
  const map: Record<string, string> = {};
  for (const item of text.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    const [feature, quantity = feature] = item.split("=").map((s) => s.trim());
    if (Object.hasOwn(map, feature)) throw new RangeError(`Grid map names "${feature}" twice`);
    map[feature] = quantity;
  }
  return validateGridMap(map, features);
}
