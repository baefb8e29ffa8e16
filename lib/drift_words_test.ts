import assert from "node:assert/strict";
import { referenceWords } from "./drift_words.ts";

Deno.test("referenceWords() tells a missing sample, the whole sample, the same hours and none of them apart", () => {
  assert.match(
    referenceWords({ reference_rows: null, reference_match: "all_rows" }),
    /no training/,
  );
  assert.equal(
    referenceWords({ reference_rows: 3334, reference_match: "all_rows" }),
    "Compared with all 3334 training rows.",
  );
  assert.match(
    referenceWords({ reference_rows: 412, reference_match: "time_of_day" }),
    /412 .* same hours/,
  );
  assert.match(referenceWords({ reference_rows: 0, reference_match: "time_of_day" }), /no verdict/);
});
