import assert from "node:assert/strict";
import { BURST_LIMITS } from "./burst_spec.ts";
import { BURST_DEFAULTS } from "../routes/index.tsx";
import { BURST_FIELDS, formValues, specFromForm } from "./burst_form.ts";

Deno.test("formValues() shows the pause in seconds and specFromForm() sends it back in milliseconds", () => {
  const values = formValues(BURST_DEFAULTS);
  assert.equal(values.pauseMs, "1");
  assert.equal(values.batchSize, "64");
  assert.deepEqual(specFromForm(values, BURST_DEFAULTS.newConnection), { ...BURST_DEFAULTS });
  assert.equal(specFromForm({ ...values, pauseMs: "0.3333" }, true).pauseMs, 333);
  assert.equal(specFromForm({ ...values, pauseMs: "2.5" }, true).newConnection, true);
});

Deno.test("specFromForm() leaves text that is not a number as NaN for the server to refuse", () => {
  const spec = specFromForm({ ...formValues(BURST_DEFAULTS), requests: "ten" }, false);
  assert.ok(Number.isNaN(spec.requests));
  assert.equal(JSON.parse(JSON.stringify(spec)).requests, null);
});

Deno.test("BURST_FIELDS has one input per numeric field the server limits", () => {
  assert.deepEqual(BURST_FIELDS.map((f) => f.key).sort(), Object.keys(BURST_LIMITS).sort());
});
