import assert from "node:assert/strict";
import {
  decodePredictionId,
  MAX_ID_FEATURES,
  MAX_PREDICTION_ID_LENGTH,
  PredictionIdWriter,
} from "./prediction_id.ts";
import { MAX_FEATURES } from "../detector/mod.ts";

const VERSION = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

Deno.test("PredictionIdWriter.id() gives ids that decodePredictionId() reads back exactly", () => {
  const writer = new PredictionIdWriter(VERSION, 3, 1_765_000_000_123);
  const id = writer.id(4_999, true, [230.123456789, 10.2, 49.987]);
  assert.match(id, /^[A-Za-z0-9_-]+$/);
  assert.ok(id.length <= MAX_PREDICTION_ID_LENGTH);
  assert.deepEqual(decodePredictionId(id), {
    modelVersion: "sha256:0123456789ab",
    servedAt: 1_765_000_000_123,
    index: 4_999,
    predicted: true,
    values: [230.123456789, 10.2, 49.987],
  });
  assert.equal(decodePredictionId(writer.id(0, false, [1, 2, 3])).predicted, false);
});

Deno.test("PredictionIdWriter ids differ per reading, per request and per verdict", () => {
  const a = new PredictionIdWriter(VERSION, 3, 1000);
  const b = new PredictionIdWriter(VERSION, 3, 1000);
  const same = [230, 10, 50];
  const ids = new Set([
    a.id(0, false, same),
    a.id(1, false, same),
    a.id(0, true, same),
    b.id(0, false, same),
  ]);
  assert.equal(ids.size, 4);
});

Deno.test("decodePredictionId() refuses made-up, altered and truncated ids", () => {
  const id = new PredictionIdWriter(VERSION, 3).id(2, false, [230, 10, 50]);
  const flipped = id.slice(0, 30) + (id[30] === "A" ? "B" : "A") + id.slice(31);
  for (
    const [bad, message] of [
      [flipped, /checksum/],
      [id.slice(0, -4), /unknown format|checksum/],
      ["not-an-id", /unknown format/],
      ["p".repeat(MAX_PREDICTION_ID_LENGTH + 1), /longer than any/],
      ["abc$", /unknown format/],
      ["", /must be a prediction_id/],
      [42, /must be a prediction_id/],
    ] as const
  ) {
    assert.throws(() => decodePredictionId(bad), (err: Error) => {
      assert.ok(err instanceof TypeError);
      assert.match(err.message, message);
      return true;
    });
  }
});

Deno.test("PredictionIdWriter.ids() writes a batch's ids exactly as id() does one by one", () => {
  const writer = new PredictionIdWriter(VERSION, 2, 5_000);
  const rows = [[230, 10], [231.5, 9.75], [0, -1]];
  const verdicts = [false, true, false];
  const batch = writer.ids(verdicts, (i, out) => out.set(rows[i]));
  assert.deepEqual(batch, rows.map((r, i) => writer.id(i, verdicts[i], r)));
  assert.deepEqual(decodePredictionId(batch[1]).values, [231.5, 9.75]);
});

Deno.test("PredictionIdWriter.ids() agrees with id() for short and long batches, writers interleaved", () => {
  // Short batches become a string without the decoder, long ones with it; writers of one
  // feature count share their working memory, so a second writer's ids must not leak into the
  // first's.
  for (const nf of [1, 3, MAX_FEATURES]) {
    for (const n of [1, 5, 15, 16, 200]) {
      const a = new PredictionIdWriter(VERSION, nf, 1_000 + n);
      const b = new PredictionIdWriter(VERSION, nf, 2_000 + n);
      const row = (i: number) => Array.from({ length: nf }, (_, f) => i * 10 + f + 0.25);
      const verdicts = Array.from({ length: n }, (_, i) => i % 3 === 0);
      const fromB = b.ids(verdicts, (i, out) => out.set(row(i)));
      const fromA = a.ids(verdicts, (i, out) => out.set(row(i)));
      assert.deepEqual(fromA, verdicts.map((v, i) => a.id(i, v, row(i))), `nf ${nf}, n ${n}`);
      assert.deepEqual(fromB, verdicts.map((v, i) => b.id(i, v, row(i))), `nf ${nf}, n ${n}`);
      const last = decodePredictionId(fromA[n - 1]);
      assert.equal(last.servedAt, 1_000 + n);
      assert.deepEqual(last.values, row(n - 1));
    }
  }
});

Deno.test("PredictionIdWriter writes ids for a model of as many features as a model may have", () => {
  assert.equal(MAX_ID_FEATURES, MAX_FEATURES);
  const values = Array.from({ length: MAX_FEATURES }, (_, i) => i + 0.5);
  const id = new PredictionIdWriter(VERSION, MAX_FEATURES).id(7, true, values);
  assert.ok(id.length <= MAX_PREDICTION_ID_LENGTH);
  assert.deepEqual(decodePredictionId(id).values, values);
});

Deno.test("decodePredictionId() reads one spelling per id: a last character with stray low bits is refused", () => {
  // 3 features: 18 + 4 + 24 + 4 = 50 bytes, 67 characters; the last carries 2 unused bits.
  const id = new PredictionIdWriter(VERSION, 3).id(1, true, [230, 10, 50]);
  assert.equal(id.length % 4, 3);
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const last = ALPHABET.indexOf(id.at(-1)!);
  assert.equal(last & 3, 0, "the writer leaves the unused bits zero");
  for (const stray of [1, 2, 3]) {
    const other = id.slice(0, -1) + ALPHABET[last | stray];
    assert.throws(() => decodePredictionId(other), /unknown format/);
  }
  assert.equal(decodePredictionId(id).index, 1);
});
