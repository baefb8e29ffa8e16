import assert from "node:assert/strict";
import { ValidationError } from "../predict/predict_schema.ts";
import { validateFeedbackBody, validateLabels } from "./feedback_schema.ts";
import { PredictionIdWriter } from "../predict/prediction_id.ts";

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

Deno.test("validateFeedbackBody() quotes at most 40 characters of a bad label back", () => {
  const [message] = errorsOf({ readings: [{ ...r, anomaly: "x".repeat(45_000) }] });
  assert.ok(message.length < 100, `${message.length} characters`);
  assert.match(message, /^readings\[0\]\.anomaly must be true or false, got "x{39}$/);
});

Deno.test("validateFeedbackBody() applies the /predict body rules and batch limit", () => {
  assert.match(errorsOf({ readings: [] })[0], /at least 1 reading/);
  assert.match(errorsOf([])[0], /Body must be a JSON object/);
  const four = Array(4).fill({ ...r, anomaly: true });
  assert.match(errorsOf({ readings: four })[0], /limit is 3 per request \(MAX_BATCH\)/);
});

const writer = new PredictionIdWriter(`sha256:${"ab".repeat(32)}`, 3, 1_000);
const id0 = writer.id(0, true, [230, 10, 50]);
const id1 = writer.id(1, false, [231, 10, 50]);

function labelErrors(body: unknown, maxLabels = 3): string[] {
  try {
    validateLabels(body, { maxLabels });
  } catch (err) {
    assert.ok(err instanceof ValidationError);
    return err.errors.map((e) => e.message);
  }
  assert.fail("accepted");
}

Deno.test("validateLabels() returns each label with what its id says was served", () => {
  const out = validateLabels(
    { labels: [{ prediction_id: id0, anomaly: false }, { prediction_id: id1, anomaly: true }] },
    { maxLabels: 3 },
  );
  assert.deepEqual(out.map((l) => [l.anomaly, l.served.predicted, l.served.values[0]]), [
    [false, true, 230],
    [true, false, 231],
  ]);
  assert.equal(out[0].served.modelVersion, "sha256:abababababab");
});

Deno.test("validateLabels() names unknown ids, non-boolean labels and contradictions", () => {
  assert.deepEqual(
    labelErrors({
      labels: [
        { prediction_id: "made-up", anomaly: true },
        { prediction_id: id0, anomaly: "yes" },
        { prediction_id: id1 },
        { anomaly: true },
      ],
    }, 5),
    [
      "labels[0].prediction_id is not a prediction_id this service issued (unknown format)",
      'labels[1].anomaly must be true or false, got "yes"',
      "labels[2].anomaly is required: true when the reading was an anomaly, false when not",
      "labels[3].prediction_id is required: the id /predict gave the verdict",
    ],
  );
  assert.deepEqual(
    labelErrors({
      labels: [{ prediction_id: id0, anomaly: true }, { prediction_id: id0, anomaly: false }],
    }),
    ["labels[1].anomaly contradicts an earlier label for the same prediction_id"],
  );
});

Deno.test("validateLabels() refuses an empty list and more than FEEDBACK_MAX_LABELS", () => {
  assert.match(labelErrors({ labels: [] })[0], /at least 1 label/);
  assert.match(labelErrors({ labels: "x" })[0], /labels must be an array/);
  const four = Array(4).fill({ prediction_id: id0, anomaly: true });
  assert.match(labelErrors({ labels: four })[0], /limit is 3 per request \(FEEDBACK_MAX_LABELS\)/);
});
