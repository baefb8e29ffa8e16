import assert from "node:assert/strict";
import { challengerFromLog } from "./model_lifecycle.ts";

Deno.test("challengerFromLog() reads the version the retrain Job registered", () => {
  const log = [
    "Trained isolation forest sha256:0123456789ab in 900 ms",
    "Registered sha256:0123456789ab... in /app/models/versions",
    "challenger -> sha256:0123456789ab (was sha256:ffffffffffff); a running service follows",
  ].join("\n");
  assert.equal(challengerFromLog(log), "sha256:0123456789ab");
  assert.equal(challengerFromLog("train: failed: disk full"), null);
});
