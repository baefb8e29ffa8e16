import assert from "node:assert/strict";
import {
  DEFAULT_MODEL_CONFIG,
  MODEL_SETTINGS,
  sameModelConfig,
  validateModelConfig,
} from "./model_config.ts";
import { describeRange, inRange } from "../../lib/ranges.ts";

Deno.test("MODEL_SETTINGS covers every config field once, with its default in range", () => {
  assert.deepEqual(
    MODEL_SETTINGS.map((s) => s.key),
    ["contamination", "nEstimators", "sampleSize", "seed", "trainingSize"],
  );
  for (const spec of MODEL_SETTINGS) assert.ok(inRange(spec, spec.default), spec.env);
  assert.deepEqual(validateModelConfig({ ...DEFAULT_MODEL_CONFIG }), DEFAULT_MODEL_CONFIG);
});

Deno.test("validateModelConfig() accepts each bound and rejects one step past it", () => {
  for (const spec of MODEL_SETTINGS) {
    const step = spec.integer ? 1 : 0.001;
    const at = (value: number) => ({ ...DEFAULT_MODEL_CONFIG, [spec.key]: value });
    assert.doesNotThrow(() => validateModelConfig(at(spec.max)));
    if (!spec.exclusiveMin) assert.doesNotThrow(() => validateModelConfig(at(spec.min)));
    assert.throws(() => validateModelConfig(at(spec.max + step)), {
      message: `${spec.label} must be ${describeRange(spec)}, got ${spec.max + step}`,
    });
    assert.throws(() => validateModelConfig(at(spec.exclusiveMin ? spec.min : spec.min - step)));
  }
});

Deno.test("sameModelConfig() compares every model setting and ignores other fields", () => {
  const base = { ...DEFAULT_MODEL_CONFIG };
  assert.ok(sameModelConfig(base, { ...DEFAULT_MODEL_CONFIG }));
  assert.ok(sameModelConfig(base, { ...DEFAULT_MODEL_CONFIG, featureNames: ["x"] } as typeof base));
  for (const spec of MODEL_SETTINGS) {
    assert.ok(!sameModelConfig(base, { ...base, [spec.key]: base[spec.key] + 1 }), spec.key);
  }
});
