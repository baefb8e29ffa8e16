import assert from "node:assert/strict";
import { captureIo, readingsCsv, runMain } from "./_testing.ts";
import { UsageError } from "./_common.ts";

const rows = [
  { voltage: 230, current: 10, frequency: 50, anomaly: false, timestamp: "T0", meter_id: "m1" },
  { voltage: 1, current: 2, frequency: 3, anomaly: true, timestamp: "T1", meter_id: "m2" },
];

Deno.test("readingsCsv() writes time, meter, features and label in that order", () => {
  assert.equal(readingsCsv(rows), "voltage,current,frequency\n230,10,50\n1,2,3");
  assert.equal(
    readingsCsv(rows, { time: "t", meter: "m", features: "u,i,f", label: "y" }),
    "t,m,u,i,f,y\nT0,m1,230,10,50,0\nT1,m2,1,2,3,1",
  );
  assert.equal(
    readingsCsv(rows, { label: "y", labelFirst: true, labels: ["false", "true"] }),
    "y,voltage,current,frequency\nfalse,230,10,50\ntrue,1,2,3",
  );
});

Deno.test("runMain() returns the captured output and checks the exit code", async () => {
  const io = await runMain(
    (args, got) => {
      got.out(`args ${args.join(" ")}; env ${got.env("X")}`);
      return Promise.resolve(0);
    },
    "tool",
    ["--a"],
    { env: { X: "1" } },
  );
  assert.deepEqual(io.stdout, ["args --a; env 1"]);
  const failing = () => Promise.reject(new UsageError("bad"));
  assert.deepEqual((await runMain(failing, "tool", [], { code: 2 })).stderr, ["tool: bad"]);
  await assert.rejects(runMain(failing, "tool", []), /tool : tool: bad/);
  assert.equal(captureIo({}).env("HOME"), undefined);
});
