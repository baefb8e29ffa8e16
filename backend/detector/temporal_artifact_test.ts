import assert from "node:assert/strict";
import { parseTemporalArtifact, serializeTemporalArtifact } from "./temporal_artifact.ts";
import {
  agreementWeight,
  fitTemporal,
  halfScale,
  recentLength,
  tailQuantile,
  TemporalModel,
} from "./temporal.ts";
import { toMatrix } from "./model.ts";
import { FEATURES } from "./types.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";

const rows = simulateFleet({ seed: 2, meters: 2, readingsPerMeter: 600, kinds: [] }).readings;
const model = fitTemporal(toMatrix(rows), FEATURES, { window: 6, contamination: 0.02 }, {
  meters: rows.map((r) => r.meter_id),
  description: { source: "test" },
});

Deno.test("serializeTemporalArtifact() round-trips byte for byte with the same scores", () => {
  const text = serializeTemporalArtifact(model);
  const parsed = parseTemporalArtifact(text, { source: "loaded" });
  assert.equal(serializeTemporalArtifact(parsed), text);
  assert.equal(parsed.contentHash, model.contentHash);
  assert.equal(parsed.info.source, "loaded");
  assert.match(parsed.info.version, /^sha256:[0-9a-f]{12}$/);
  const keys = rows.map((r) => r.meter_id);
  assert.deepEqual(parsed.scoreRows(toMatrix(rows), keys), model.scoreRows(toMatrix(rows), keys));
});

Deno.test("parseTemporalArtifact() names the damaged field", () => {
  const text = serializeTemporalArtifact(model);
  const doc = JSON.parse(text);
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...doc, format: "x" }, /Artifact format must be "grid-anomaly\/temporal-window", got "x"/],
    [{ ...doc, config: { window: 1, contamination: 0.02 } }, /config is invalid: Window must be/],
    [
      { ...doc, pooled: { mean: [1, 2], sd: [1, 1, 1], noise: [1, 1, 1] } },
      /pooled.mean must have 3 entries, got 2/,
    ],
    [
      { ...doc, pooled: { ...doc.pooled, noise: [1, -1, 1] } },
      /pooled.noise\[1\] must be at least 0, got -1/,
    ],
    [
      { ...doc, calibration: { ...doc.calibration, limit: [1, 1, 1, 1, 1, 0] } },
      /calibration.limit\[5\] must be positive, got 0/,
    ],
    [{ ...doc, threshold: "high" }, /threshold must be a positive number/],
    // Format 2 had no coupling (no residual_mean statistic): refused, not guessed.
    [
      { ...doc, formatVersion: 2 },
      /Artifact format version 2 is not supported \(expected 7, 6, 5, 4 or 3\)/,
    ],
    [
      { ...doc, pooled: { ...doc.pooled, coupling: [1, 0, 0] } },
      /pooled.coupling must have 9 entries, got 3/,
    ],
  ];
  for (const [bad, message] of cases) {
    assert.throws(() => parseTemporalArtifact(JSON.stringify(bad)), message);
  }
  assert.throws(() => parseTemporalArtifact("{"), /not valid JSON/);
  const tampered = text.replace(/"threshold": [0-9.e-]+/, '"threshold": 1.5');
  assert.throws(() => parseTemporalArtifact(tampered), /does not match its version/);
});

/**
 * A fixture written by the code of an older format, with the scores it gave:
 * loaded, checked to keep its format and content hash when written back, and
 * the fleet it scored.
 */
async function fixture(format: number) {
  const dir = new URL("./testdata/", import.meta.url);
  const text = await Deno.readTextFile(new URL(`temporal_format${format}.json`, dir));
  const expected = JSON.parse(
    await Deno.readTextFile(new URL(`temporal_format${format}_scores.json`, dir)),
  ) as { fleet: Parameters<typeof simulateFleet>[0]; scores: number[] };
  const old = parseTemporalArtifact(text);
  assert.equal(old.parts.formatVersion, format);
  // Written back in its format with the same content hash (the file is formatted by deno fmt).
  const again = parseTemporalArtifact(serializeTemporalArtifact(old));
  assert.equal(JSON.parse(serializeTemporalArtifact(again)).formatVersion, format);
  assert.equal(again.contentHash, old.contentHash);
  const rows = simulateFleet(expected.fleet).readings;
  return {
    old,
    scores: expected.scores,
    matrix: toMatrix(rows),
    keys: rows.map((r) => r.meter_id),
    times: rows.map((r) => Date.parse(r.timestamp)),
  };
}

/** The fixtures' training data (format 5 and 6), refitted by `format`'s rules. */
function refit(format: number, intervalMs?: number) {
  const train = simulateFleet({
    seed: 3,
    meters: 2,
    readingsPerMeter: 300,
    kinds: [],
    ...(intervalMs ? { intervalMs } : {}),
  }).readings;
  return fitTemporal(toMatrix(train), FEATURES, { window: 8, contamination: 0.02 }, {
    meters: train.map((r) => r.meter_id),
    times: train.map((r) => Date.parse(r.timestamp)),
    description: { source: `format ${format} fixture` },
    formatVersion: format,
  });
}

Deno.test("parseTemporalArtifact() loads a format 3 artifact and scores it as format 3 did", async () => {
  // Written by the format 3 code (weight 1 in the recent-half agreement), with its scores.
  const { old, scores, matrix, keys } = await fixture(3);
  assert.deepEqual(Array.from(old.scoreRows(matrix, keys)), scores);
  // The same parts read as the current format score differently: the fixture tells the rules apart.
  const { formatVersion: _, ...current } = old.parts;
  const asCurrent = parseTemporalArtifact(serializeTemporalArtifact(new TemporalModel(current)));
  assert.equal(asCurrent.parts.formatVersion, undefined);
  assert.notDeepEqual(Array.from(asCurrent.scoreRows(matrix, keys)), scores);
});

Deno.test("parseTemporalArtifact() loads a format 4 artifact and scores it as format 4 did", async () => {
  // Written by the format 4 code (tails read at 0.5 %), with its scores.
  const { old, scores, matrix, keys } = await fixture(4);
  assert.deepEqual(Array.from(old.scoreRows(matrix, keys)), scores);
});

Deno.test("parseTemporalArtifact() loads a format 5 artifact and scores it as format 5 did", async () => {
  // Written by the format 5 code (no daily cycle), with its scores.
  const { old, scores, matrix, keys, times } = await fixture(5);
  assert.equal(old.parts.diurnal, undefined);
  assert.deepEqual(Array.from(old.scoreRows(matrix, keys)), scores);
  // Times change nothing for a model without a daily cycle.
  assert.deepEqual(Array.from(old.scoreRows(matrix, keys, { times })), scores);
  // Refit by format 5 rules from the fixture's training data, times or not: the same artifact.
  assert.equal(refit(5).contentHash, old.contentHash);
});

Deno.test("parseTemporalArtifact() loads a format 6 artifact and scores it as format 6 did", async () => {
  // Written by the format 6 code (one scale, recent half agreeing by √2), with its scores.
  const { old, scores, matrix, keys, times } = await fixture(6);
  assert.ok(old.parts.diurnal, "the fixture has a daily cycle");
  assert.deepEqual(Array.from(old.scoreRows(matrix, keys, { times })), scores);
  assert.equal(refit(6, 300_000).contentHash, old.contentHash);
  // The same parts read as format 7 score differently: the fixture tells the rules apart.
  const { formatVersion: _, ...current } = old.parts;
  assert.notDeepEqual(
    Array.from(new TemporalModel(current).scoreRows(matrix, keys, { times })),
    scores,
  );
});

Deno.test("a model with a daily cycle round-trips, and a damaged cycle is named", () => {
  // A day at a reading a minute covers every hour: the cycle is fitted.
  const day = simulateFleet({
    seed: 6,
    meters: 2,
    readingsPerMeter: 1440,
    intervalMs: 60_000,
    kinds: [],
  }).readings;
  const cycled = fitTemporal(toMatrix(day), FEATURES, { window: 6, contamination: 0.02 }, {
    meters: day.map((r) => r.meter_id),
    times: day.map((r) => Date.parse(r.timestamp)),
  });
  assert.ok(cycled.parts.diurnal);
  const text = serializeTemporalArtifact(cycled);
  const parsed = parseTemporalArtifact(text);
  assert.equal(serializeTemporalArtifact(parsed), text);
  assert.deepEqual(parsed.parts.diurnal, cycled.parts.diurnal);
  const times = day.map((r) => Date.parse(r.timestamp));
  const keys = day.map((r) => r.meter_id);
  assert.deepEqual(
    parsed.scoreRows(toMatrix(day), keys, { times }),
    cycled.scoreRows(toMatrix(day), keys, { times }),
  );
  const doc = JSON.parse(text);
  assert.throws(
    () =>
      parseTemporalArtifact(JSON.stringify({ ...doc, diurnal: { ...doc.diurnal, pooled: [1] } })),
    /diurnal.pooled must have 6 entries, got 1/,
  );
  // Without the field, the text no longer matches its version: a cycle cannot be dropped silently.
  const { diurnal: _, ...without } = doc;
  assert.throws(() => parseTemporalArtifact(JSON.stringify(without)), /does not match its version/);
});

Deno.test("agreementWeight() is 1 for format 3, √2 for formats 4 to 6 and √(n / recent) from 7", () => {
  assert.equal(agreementWeight(3), 1);
  assert.equal(agreementWeight(4), Math.SQRT2);
  assert.equal(agreementWeight(6, 16, 8), Math.SQRT2);
  assert.equal(agreementWeight(7, 16, 4), 2);
  assert.equal(agreementWeight(7, 8, 4), Math.SQRT2);
});

Deno.test("recentLength() and halfScale(): format 7 agrees with a quarter and adds the half scale", () => {
  // Format 7: the latest quarter (at least 3, none under 6) for both scales; the half scale.
  assert.deepEqual([16, 12, 8, 6, 5].map((w) => recentLength(w)), [4, 3, 3, 3, 0]);
  assert.deepEqual([16, 8, 4, 3].map((w) => halfScale(w)), [8, 4, 2, 0]);
  // Before: the latest half (none under 6) and one scale.
  assert.deepEqual([16, 8, 6, 5].map((w) => recentLength(w, 6)), [8, 4, 3, 0]);
  assert.equal(halfScale(16, 6), 0);
});

Deno.test("tailQuantile() reads the 0.5 % tails up to format 4 and the 0.1 % tails from format 5", () => {
  assert.deepEqual(tailQuantile(3), { p: 0.005, z: 2.576 });
  assert.deepEqual(tailQuantile(4), { p: 0.005, z: 2.576 });
  assert.deepEqual(tailQuantile(5), { p: 0.001, z: 3.090 });
});

Deno.test("fitTemporal() with formatVersion 3 fits exactly what the format 3 code fitted", async () => {
  const text = await Deno.readTextFile(
    new URL("./testdata/temporal_format3.json", import.meta.url),
  );
  // The fixture's training data and settings (see its training summary).
  const train = simulateFleet({ seed: 3, meters: 2, readingsPerMeter: 300, kinds: [] }).readings;
  const refit = fitTemporal(toMatrix(train), FEATURES, { window: 8, contamination: 0.02 }, {
    meters: train.map((r) => r.meter_id),
    description: { source: "format 3 fixture" },
    formatVersion: 3,
  });
  assert.equal(refit.contentHash, parseTemporalArtifact(text).contentHash);
  assert.throws(
    () =>
      fitTemporal(toMatrix(train), FEATURES, { window: 8, contamination: 0.02 }, {
        meters: null,
        formatVersion: 2,
      }),
    /Format version must be 7, 6, 5, 4 or 3, got 2/,
  );
});

Deno.test("fitTemporal() with formatVersion 4 fits exactly what the format 4 code fitted", async () => {
  const text = await Deno.readTextFile(
    new URL("./testdata/temporal_format4.json", import.meta.url),
  );
  const train = simulateFleet({ seed: 3, meters: 2, readingsPerMeter: 300, kinds: [] }).readings;
  const fit = (formatVersion?: number) =>
    fitTemporal(toMatrix(train), FEATURES, { window: 8, contamination: 0.02 }, {
      meters: train.map((r) => r.meter_id),
      description: { source: "format 4 fixture" },
      ...(formatVersion === undefined ? {} : { formatVersion }),
    });
  assert.equal(fit(4).contentHash, parseTemporalArtifact(text).contentHash);
  // The current format reads other tails: another calibration from the same data.
  assert.notDeepEqual(fit().parts.calibration.scale, fit(4).parts.calibration.scale);
});
