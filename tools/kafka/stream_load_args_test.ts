import assert from "node:assert/strict";
import { parseStreamLoadArgs } from "./stream_load_args.ts";

Deno.test("parseStreamLoadArgs() takes the broker from KAFKA_BOOTSTRAP and has defaults", () => {
  const o = parseStreamLoadArgs(["--kafka"], { KAFKA_BOOTSTRAP: "127.0.0.1:9092" })!;
  assert.equal(o.bootstrap, "127.0.0.1:9092");
  assert.equal(o.rate, 5000);
  assert.equal(o.duration, 10);
  assert.equal(o.readingsTopic, "grid.readings");
  assert.equal(o.anomaliesTopic, "grid.anomalies");
  assert.equal(o.group, "anomaly-stream");
  assert.equal(o.json, false);
});

Deno.test("parseStreamLoadArgs() reads every flag", () => {
  const o = parseStreamLoadArgs([
    "--kafka",
    "--bootstrap=localhost:29092",
    "--rate=10000",
    "--duration=2.5",
    "--meters=7",
    "--topic=t.in",
    "--anomalies-topic=t.out",
    "--group=g",
    "--drain-timeout=5",
    "--json",
  ])!;
  assert.deepEqual(
    [o.bootstrap, o.rate, o.duration, o.meters, o.readingsTopic, o.anomaliesTopic, o.group],
    ["localhost:29092", 10000, 2.5, 7, "t.in", "t.out", "g"],
  );
  assert.equal(o.drainTimeout, 5);
  assert.equal(o.json, true);
});

Deno.test("parseStreamLoadArgs() names the bad flag", () => {
  const bad: [string[], RegExp][] = [
    [["--kafka"], /--bootstrap \(or KAFKA_BOOTSTRAP\) must be host:port, got ""/],
    [["--bootstrap=h:1", "--rate=0"], /--rate must be an integer from 1 to 1000000, got "0"/],
    [["--bootstrap=h:1", "--duration=-1"], /--duration must be/],
    [["--bootstrap=h:1", "--meters=1001"], /--meters must be an integer from 1 to 1000/],
    [["--bootstrap=h:1", "--group=a b"], /--group must be 1 to 249 letters/],
  ];
  for (const [args, message] of bad) {
    assert.throws(() => parseStreamLoadArgs(args), { name: "RangeError", message });
  }
  assert.throws(() => parseStreamLoadArgs(["--url=x"]), { name: "TypeError" });
  assert.equal(parseStreamLoadArgs(["--kafka", "--help"]), null);
});
