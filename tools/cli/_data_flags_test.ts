import assert from "node:assert/strict";
import { DATA_FLAGS, DATA_HELP, dataFlags, shortNames } from "./_data_flags.ts";
import { parseFlags, UsageError } from "./_common.ts";
import { captureIo } from "./_testing.ts";

/** The data flags of a command line. */
const read = (...args: string[]) => dataFlags(parseFlags(args, DATA_FLAGS), captureIo());

/** The UsageError message of reading `args`. */
function usage(...args: string[]): string {
  try {
    read(...args);
  } catch (err) {
    assert.ok(err instanceof UsageError, `${err}`);
    return err.message;
  }
  assert.fail(`no UsageError for ${args.join(" ")}`);
}

Deno.test("dataFlags() reads files, columns, protocol and outputs", () => {
  const d = read(
    ...["--csv", "a.csv", "--csv", "b.csv", "--features", " u, i ,hz ", "--label", " y "],
    ...["--meter", "m", "--time", "t", "--train-rows", "100", "--target-far", "0.01"],
    ...["--json", "--scores", "s.csv", "--report", "r.svg"],
  );
  assert.deepEqual(d, {
    paths: ["a.csv", "b.csv"],
    features: ["u", "i", "hz"],
    label: "y",
    meter: "m",
    time: "t",
    trainRows: 100,
    targetFar: 0.01,
    json: true,
    scores: "s.csv",
    report: "r.svg",
  });
});

Deno.test("dataFlags() leaves unset flags out or null", () => {
  const d = read();
  assert.deepEqual(d, { paths: [], features: null, trainRows: null, targetFar: null, json: false });
  assert.ok(!("label" in d) && !("scores" in d));
});

Deno.test("dataFlags() rejects each bad value naming the flag", () => {
  assert.equal(usage("--csv", "a", "--features", " "), "--features must not be empty");
  assert.equal(usage("--csv", "a", "--features", ",,"), "--features must name at least one column");
  assert.equal(
    usage("--csv", "a", "--features", "u,i,u"),
    "--features names a column twice: u,i,u",
  );
  assert.equal(usage("--csv", "a", "--label", ""), "--label must not be empty");
  assert.equal(
    usage("--csv", "a", "--train-rows", "0"),
    "--train-rows must be a positive integer, got 0",
  );
  assert.equal(
    usage("--csv", "a", "--train-rows", "2.5"),
    '--train-rows must be an integer, got "2.5"',
  );
  assert.equal(
    usage("--csv", "a", "--target-far", "0.6"),
    "--target-far must be greater than 0 and at most 0.5, got 0.6",
  );
  assert.equal(
    usage("--csv", "a", "--target-far", "0"),
    "--target-far must be greater than 0 and at most 0.5, got 0",
  );
});

Deno.test("dataFlags() reads --time-offset: Z or ±HH:MM, with --time", () => {
  assert.equal(read("--csv", "a", "--time", "t", "--time-offset", "Z").timeOffset, "Z");
  assert.equal(read("--csv", "a", "--time", "t", "--time-offset=-05:30").timeOffset, "-05:30");
  for (const bad of ["UTC", "+1", "+0100", "+24:00", "z"]) {
    assert.equal(
      usage("--csv", "a", "--time", "t", "--time-offset", bad),
      `--time-offset must be Z or an offset such as +01:00, got "${bad}"`,
    );
  }
  assert.equal(usage("--csv", "a", "--time-offset", "Z"), "--time-offset applies only with --time");
});

Deno.test("dataFlags() refuses file-only flags without --csv", () => {
  for (
    const flag of [
      "--label",
      "--meter",
      "--time",
      "--time-offset",
      "--train-rows",
      "--target-far",
      "--scores",
      "--report",
    ]
  ) {
    const value = flag === "--train-rows" ? "5" : flag === "--target-far" ? "0.1" : "x";
    assert.equal(usage(flag, value), `${flag} applies only with --csv`);
  }
  // --features and --json are the tools' to judge (evaluate's simulated set, train's fleet).
  assert.deepEqual(read("--features", "a,b", "--json").features, ["a", "b"]);
});

Deno.test("DATA_HELP documents every data flag", () => {
  for (const flag of Object.keys(DATA_FLAGS)) assert.match(DATA_HELP, new RegExp(`--${flag} `));
});

Deno.test("shortNames() uses base names when they are unique, else the paths", () => {
  assert.deepEqual(shortNames(["data/a.csv", "/x/b.csv", "c.csv"]), ["a.csv", "b.csv", "c.csv"]);
  assert.deepEqual(shortNames(["x/a.csv", "y/a.csv"]), ["x/a.csv", "y/a.csv"]);
  assert.deepEqual(shortNames(["C:\\data\\a.csv"]), ["a.csv"]);
  assert.deepEqual(shortNames([]), []);
});
