import assert from "node:assert/strict";
import { ValidationError } from "../predict/predict_schema.ts";
import { validateFeedbackBody } from "./feedback_schema.ts";

const r = { voltage: 230, current: 10, frequency: 50 };

function errorsOf(body: unknown): string[] {
  try {
    validateFeedbackBody(body, { maxBatch: 3 });
  } catch (err) {
    assert.ok(err instanceof ValidationError);
    return err.errors.map((e) => e.message);
  }
  assert.fail("accepted");
}

Deno.test("validateFeedbackBody() returns readings and their labels in order", () => {
  const out = validateFeedbackBody(
    { readings: [{ ...r, anomaly: true }, { ...r, voltage: 231, anomaly: false }] },
    { maxBatch: 3 },
  );
  assert.deepEqual(out.labels, [true, false]);
  assert.deepEqual(out.readings[1], { ...r, voltage: 231 });
});

Deno.test("validateFeedbackBody() names missing or non-boolean labels with reading errors in order", () => {
  assert.deepEqual(
    errorsOf({ readings: [{ ...r }, { ...r, voltage: "x", anomaly: true }, { ...r, anomaly: 1 }] }),
    [
      "readings[0].anomaly is required: true when the reading was an anomaly, false when not",
      'readings[1].voltage must be a finite number, got the string "x"',
      "readings[2].anomaly must be true or false, got 1",
    ],
  );
});

Deno.test("validateFeedbackBody() applies the /predict body rules and batch limit", () => {
  assert.match(errorsOf({ readings: [] })[0], /at least 1 reading/);
  assert.match(errorsOf([])[0], /Body must be a JSON object/);
  const four = Array(4).fill({ ...r, anomaly: true });
  assert.match(errorsOf({ readings: four })[0], /limit is 3 per request \(MAX_BATCH\)/);
});
