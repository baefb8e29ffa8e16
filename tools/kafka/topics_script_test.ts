import assert from "node:assert/strict";
import { SCRIPT_PATH, topicsScript } from "./topics_script.ts";
import { TOPICS } from "../../backend/stream/topics.ts";

Deno.test("topicsScript() is what k8s/overlays/streaming/create-topics.sh holds (regenerate it)", () => {
  const committed = Deno.readTextFileSync(new URL(`../../${SCRIPT_PATH}`, import.meta.url));
  assert.equal(committed, topicsScript());
});

Deno.test("topicsScript() creates every topic, idempotently, partitions from STREAM_PARTITIONS", () => {
  const script = topicsScript();
  for (const name of Object.values(TOPICS)) {
    assert.match(
      script,
      new RegExp(`--create --if-not-exists --topic ${name.replaceAll(".", "\\.")} `),
    );
  }
  assert.match(
    script,
    /--topic grid\.stream\.windows --partitions "\$partitions" .*cleanup\.policy=compact/,
  );
  assert.match(script, /--topic grid\.readings\.dlq --partitions 1 /);
});
