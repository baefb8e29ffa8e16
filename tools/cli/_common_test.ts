import assert from "node:assert/strict";
import {
  DEFAULT_MODEL_NAMES,
  modelPlace,
  numberSetting,
  parseFlags,
  rawSetting,
  readInputFile,
  runCli,
  splitList,
  stringList,
  UsageError,
} from "./_common.ts";
import { loadConfig } from "../../backend/config.ts";
import { captureIo, withTempDir } from "./_testing.ts";

const SPEC = {
  seed: { type: "string" },
  csv: { type: "string", multiple: true },
  json: { type: "boolean" },
} as const;

/** The UsageError message `fn` throws. */
function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UsageError, `${err}`);
    return err.message;
  }
  assert.fail("no UsageError thrown");
}

Deno.test("parseFlags() returns string, repeated and boolean flags", () => {
  const values = parseFlags(["--seed", "7", "--csv", "a", "--csv=b", "--json"], SPEC);
  assert.equal(values.seed, "7");
  assert.deepEqual(stringList(values, "csv"), ["a", "b"]);
  assert.equal(values.json, true);
  assert.deepEqual(stringList(parseFlags(["--csv", "one"], SPEC), "csv"), ["one"]);
  assert.deepEqual(stringList(parseFlags([], SPEC), "csv"), []);
});

Deno.test("parseFlags() words each kind of mistake as one UsageError line", () => {
  assert.equal(usage(() => parseFlags(["--sed", "7"], SPEC)), "Unknown flag --sed (see --help)");
  assert.equal(
    usage(() => parseFlags(["data.csv"], SPEC)),
    'Unexpected argument "data.csv" (flags take the form --name value; repeat --csv for each ' +
      "file, or name a folder)",
  );
  assert.equal(
    usage(() => parseFlags(["--seed"], SPEC)),
    "Option '--seed <value>' argument missing",
  );
  assert.equal(
    usage(() => parseFlags(["--seed", "-3"], SPEC)),
    "Option '--seed' argument is ambiguous (write --name=VALUE for a value starting with a dash)",
  );
  assert.equal(parseFlags(["--seed=-3"], SPEC).seed, "-3");
});

Deno.test("rawSetting() prefers the flag, then a non-blank environment variable", () => {
  const io = captureIo({ SEED: " 9 ", BLANK: "  " });
  assert.deepEqual(rawSetting({ seed: "7" }, io, { flag: "seed", env: "SEED" }), {
    raw: "7",
    label: "--seed",
  });
  assert.deepEqual(rawSetting({}, io, { flag: "seed", env: "SEED" }), { raw: "9", label: "SEED" });
  assert.equal(rawSetting({}, io, { flag: "seed", env: "BLANK" }), null);
  assert.equal(rawSetting({}, io, { flag: "seed" }), null);
});

Deno.test("numberSetting() parses numbers and integers, quoting a bad value with its source", () => {
  const io = captureIo({ N_ESTIMATORS: "12" });
  const spec = { flag: "n-estimators", env: "N_ESTIMATORS", fallback: 100, integer: true };
  assert.equal(numberSetting({}, io, spec), 12);
  assert.equal(numberSetting({}, captureIo(), spec), 100);
  assert.equal(numberSetting({ "n-estimators": "1e2" }, io, spec), 100);
  assert.equal(
    usage(() => numberSetting({ "n-estimators": "1.5" }, io, spec)),
    '--n-estimators must be an integer, got "1.5"',
  );
  assert.equal(
    usage(() => numberSetting({}, captureIo({ N_ESTIMATORS: "many" }), spec)),
    'N_ESTIMATORS must be an integer, got "many"',
  );
  const rate = { flag: "rate", fallback: 0 };
  assert.equal(numberSetting({ rate: "0.25" }, io, rate), 0.25);
  assert.equal(
    usage(() => numberSetting({ rate: " " }, io, rate)),
    '--rate must be a number, got " "',
  );
  assert.equal(
    usage(() => numberSetting({ rate: "Infinity" }, io, rate)),
    '--rate must be a number, got "Infinity"',
  );
});

Deno.test("numberSetting() checks a range: the kind quoting the text, the bounds naming the value", () => {
  const io = captureIo({ WINDOW: "0" });
  const spec = {
    flag: "window",
    env: "WINDOW",
    fallback: 8,
    range: { min: 2, max: 256, integer: true },
  };
  assert.equal(numberSetting({ window: "256" }, io, spec), 256);
  assert.equal(numberSetting({}, captureIo(), spec), 8);
  assert.equal(
    usage(() => numberSetting({ window: "2.5" }, io, spec)),
    '--window must be an integer, got "2.5"',
  );
  assert.equal(
    usage(() => numberSetting({ window: "300" }, io, spec)),
    "--window must be an integer from 2 to 256, got 300",
  );
  assert.equal(
    usage(() => numberSetting({}, io, spec)),
    "WINDOW must be an integer from 2 to 256, got 0",
  );
});

Deno.test("splitList() trims entries and drops empty ones", () => {
  assert.deepEqual(splitList(" a, b ,,c,"), ["a", "b", "c"]);
  assert.deepEqual(splitList(" , "), []);
});

Deno.test("modelPlace() reads the directory and file name from flags, then environment", () => {
  const io = captureIo({ MODEL_DIR: "/srv/models", MODEL_NAME: "m.json" });
  assert.deepEqual(modelPlace({}, io, "x.json"), { dir: "/srv/models", name: "m.json" });
  assert.deepEqual(modelPlace({ "model-dir": "d", "model-name": "n.json" }, io, "x.json"), {
    dir: "d",
    name: "n.json",
  });
  assert.deepEqual(modelPlace({}, captureIo(), "x.json"), { dir: "models", name: "x.json" });
});

Deno.test("modelPlace() defaults to where the server loads its model from by default", () => {
  const server = loadConfig({});
  assert.deepEqual(modelPlace({}, captureIo(), DEFAULT_MODEL_NAMES.point), {
    dir: server.modelDir,
    name: server.modelName,
  });
});

Deno.test("readInputFile() reads a file and names a missing path or a directory", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a.csv`, "x\n1\n");
    assert.equal(await readInputFile(`${dir}/a.csv`, "CSV file"), "x\n1\n");
    await assert.rejects(readInputFile(`${dir}/none.csv`, "CSV file"), {
      name: "UsageError",
      message: `CSV file "${dir}/none.csv" not found`,
    });
    await assert.rejects(readInputFile(dir, "CSV file"), {
      name: "UsageError",
      message: `CSV file "${dir}" is a directory`,
    });
  });
});

Deno.test("runCli() gives 0, 2 for usage and data errors, 1 for anything else, one line each", async () => {
  const cases: [() => Promise<number>, number, string[]][] = [
    [() => Promise.resolve(0), 0, []],
    [() => Promise.reject(new UsageError("--x is wrong")), 2, ["tool: --x is wrong"]],
    [() => Promise.reject(new TypeError("CSV line 3 is bad")), 2, ["tool: CSV line 3 is bad"]],
    [() => Promise.reject(new RangeError("Window out of range")), 2, ["tool: Window out of range"]],
    [() => Promise.reject(new Error("disk full")), 1, ["tool: failed: disk full"]],
    [() => Promise.reject("a string"), 1, ["tool: failed: a string"]],
  ];
  for (const [main, code, stderr] of cases) {
    const io = captureIo();
    assert.equal(await runCli(main, { tool: "tool", args: [], io }), code);
    assert.deepEqual(io.stderr, stderr);
  }
  // The tool's main gets the arguments and the io.
  const io = captureIo();
  await runCli((args, got) => {
    got.out(args.join(" "));
    return Promise.resolve(0);
  }, { tool: "tool", args: ["--a", "1"], io });
  assert.deepEqual(io.stdout, ["--a 1"]);
});
