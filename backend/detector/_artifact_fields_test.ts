import assert from "node:assert/strict";
import * as fields from "./_artifact_fields.ts";

/** Assert `fn` throws an error of class `name` with exactly `message`. */
function throwsExactly(fn: () => unknown, name: "TypeError" | "RangeError", message: string) {
  assert.throws(fn, (err: Error) => {
    assert.equal(err.name, name);
    assert.equal(err.message, message);
    return true;
  });
}

const KIND = { format: "grid-anomaly/x", formatVersion: 2, name: "x_model" };
const VERSION = `sha256:${"ab".repeat(32)}`;
const header = (fields: Record<string, unknown>) =>
  JSON.stringify({
    format: KIND.format,
    formatVersion: 2,
    version: VERSION,
    name: "x_model",
    ...fields,
  });

Deno.test("quote() shows a value as JSON, cut after 40 characters", () => {
  assert.equal(fields.quote("abc"), '"abc"');
  assert.equal(fields.quote(undefined), "undefined");
  assert.equal(fields.quote(NaN), "null");
  assert.equal(fields.quote("x".repeat(50)), `"${"x".repeat(39)}...`);
});

Deno.test("object() and finite() name the field and the value they got", () => {
  assert.deepEqual(fields.object({ a: 1 }, "f"), { a: 1 });
  throwsExactly(
    () => fields.object([], "stats"),
    "TypeError",
    "Artifact field stats must be an object, got []",
  );
  throwsExactly(
    () => fields.object(null, "f"),
    "TypeError",
    "Artifact field f must be an object, got null",
  );
  assert.equal(fields.finite(-2.5, "t"), -2.5);
  throwsExactly(
    () => fields.finite("1", "t"),
    "TypeError",
    'Artifact field t must be a finite number, got "1"',
  );
  throwsExactly(
    () => fields.finite(Infinity, "t"),
    "TypeError",
    "Artifact field t must be a finite number, got null",
  );
});

Deno.test("numbers() checks the array, its length and each entry, naming the index", () => {
  assert.deepEqual(fields.numbers([1, 2.5], "a", 2), [1, 2.5]);
  assert.deepEqual(fields.numbers([], "a", null), []);
  throwsExactly(
    () => fields.numbers({}, "a", 2),
    "TypeError",
    "Artifact field a must be an array, got {}",
  );
  throwsExactly(
    () => fields.numbers([1], "a", 2),
    "RangeError",
    "Artifact field a must have 2 entries, got 1",
  );
  throwsExactly(
    () => fields.numbers([1, null], "a", null),
    "TypeError",
    "Artifact field a[1] must be a finite number, got null",
  );
  throwsExactly(
    () => fields.numbers([1, 1.5], "a", null, { integer: true }),
    "TypeError",
    "Artifact field a[1] must be a finite integer, got 1.5",
  );
  throwsExactly(
    () => fields.numbers([3, 0], "sd", 2, { positive: true }),
    "RangeError",
    "Artifact field sd[1] must be positive, got 0",
  );
  // The first bad entry is reported, whatever is wrong with later ones.
  throwsExactly(
    () => fields.numbers([-1, "x"], "sd", 2, { positive: true }),
    "RangeError",
    "Artifact field sd[0] must be positive, got -1",
  );
});

Deno.test("readHeader() returns the document and version of a matching header", () => {
  const { root, version } = fields.readHeader(header({ extra: [1] }), KIND);
  assert.equal(version, VERSION);
  assert.deepEqual(root.extra, [1]);
});

Deno.test("readHeader() rejects each header field with its own message", () => {
  assert.throws(() => fields.readHeader("{", KIND), {
    name: "TypeError",
    message: /^Artifact is not valid JSON: /,
  });
  throwsExactly(
    () => fields.readHeader("7", KIND),
    "TypeError",
    "Artifact field (document) must be an object, got 7",
  );
  throwsExactly(
    () => fields.readHeader(header({ format: "other" }), KIND),
    "TypeError",
    'Artifact format must be "grid-anomaly/x", got "other"',
  );
  throwsExactly(
    () => fields.readHeader(header({ formatVersion: 1 }), KIND),
    "RangeError",
    "Artifact format version 1 is not supported (expected 2)",
  );
  throwsExactly(
    () => fields.readHeader(header({ version: "sha256:AB" }), KIND),
    "TypeError",
    'Artifact field version must be "sha256:" and 64 hex digits, got "sha256:AB"',
  );
  throwsExactly(
    () => fields.readHeader(header({ name: "isolation_forest" }), KIND),
    "TypeError",
    'Artifact field name must be "x_model", got "isolation_forest"',
  );
});

Deno.test("validConfig() turns the validator's error into an artifact RangeError", () => {
  assert.deepEqual(fields.validConfig(() => ({ window: 3 })), { window: 3 });
  throwsExactly(
    () =>
      fields.validConfig(() => {
        throw new RangeError("Window must be an integer from 2 to 256, got 1");
      }),
    "RangeError",
    "Artifact config is invalid: Window must be an integer from 2 to 256, got 1",
  );
});

Deno.test("gridField() keeps shape errors as TypeError and wraps wrong values", () => {
  assert.deepEqual(fields.gridField({ u: "voltage" }, ["u", "i"]), { u: "voltage" });
  throwsExactly(
    () => fields.gridField("voltage", ["u"]),
    "TypeError",
    'Artifact field grid must be an object, got "voltage"',
  );
  assert.throws(() => fields.gridField({ x: "voltage" }, ["u"]), {
    name: "RangeError",
    message: /^Artifact field grid is invalid: Grid map names "x"/,
  });
});

Deno.test("checkContentHash() passes a match and names both hashes on a mismatch", () => {
  fields.checkContentHash(VERSION, VERSION);
  const other = `sha256:${"cd".repeat(32)}`;
  throwsExactly(
    () => fields.checkContentHash(other, VERSION),
    "RangeError",
    "Artifact content hash sha256:cdcdcdcdcdcd... does not match its version " +
      "sha256:abababababab... (the file was modified or damaged)",
  );
});

Deno.test("orList() joins what is accepted as a reader would say it", () => {
  assert.equal(fields.orList([5, 4, 3]), "5, 4 or 3");
  assert.equal(fields.orList([4, 3]), "4 or 3");
  assert.equal(fields.orList([1]), "1");
});
