/**
 * Every `deno task train` and `deno task evaluate` command in
 * docs/DETECTOR.md runs exactly as written, through the `deno task` entry
 * points (so the tasks' permissions are what is tested: `--scores` and
 * `--report` need write access), and exits 0 with the files it names written.
 *
 * Each command runs in a fresh folder that links the repository's
 * `deno.json`, `deno.lock` and code folders (a task runs in the folder of
 * the `deno.json` it found, so files the command names are read and written
 * there, not in the repository) and holds the CSV files the docs name,
 * simulated. Evaluate commands find the artifacts of the documented train
 * commands in `models/`. Other commands (benchmarks, the server) are listed
 * in OTHER with the reason; a command that is neither fails the test.
 */
import assert from "node:assert/strict";
import { REPO_ROOT } from "../../testing/backend_process.ts";
import { extractCommands } from "./_guide_commands.ts";
import { readingsCsv } from "../../tools/cli/_testing.ts";
import { simulateFleet } from "../../lib/simulator/fleet.ts";
import { Simulator } from "../../lib/simulator/simulator.ts";

const DOC = Deno.readTextFileSync(`${REPO_ROOT}docs/DETECTOR.md`);

/** Documented commands that are not CLI calls, and why the test does not run them. */
const OTHER: Record<string, string> = {
  "deno run -A tools/bench/detector_bench.ts": "a benchmark (minutes of CPU)",
  "deno run -A tools/bench/temporal_bench.ts": "a benchmark (minutes of CPU)",
  "deno task bench:fleet": "a benchmark (minutes of CPU)",
  "deno task bench:fleet --write": "a benchmark that rewrites this document",
  "deno task bench:fleet --quick": "a benchmark (a minute of CPU)",
  "MODEL_NAME=temporal_window.json deno task backend":
    "starts the server (served artifacts are tested in backend/tests)",
};

const LINKED = ["deno.json", "deno.lock", "backend", "lib", "tools"];

/** The data files the documented commands name, simulated. */
function fixtures(): Record<string, string> {
  const point = new Simulator({ seed: 3, anomalyRate: 0.05 }).batch(1500);
  const fleet = (seed: number) =>
    simulateFleet({ seed, meters: 2, readingsPerMeter: 1600, meanGap: 120, normalPrefix: 1100 })
      .readings;
  const runs = (seed: number) =>
    readingsCsv(fleet(seed), {
      time: "ts",
      meter: "machine",
      features: "p1,p2,flow",
      label: "anomaly",
    });
  const single = (seed: number, label: string) =>
    readingsCsv(
      fleet(seed).filter((r) => r.meter_id === "meter-01"),
      { label, time: "ts" },
    );
  const semicolon = readingsCsv(point, { label: "anomaly" }).replaceAll(",", ";")
    .replace(/(\d)\.(\d)/g, "$1,$2");
  return {
    "feeder.csv": readingsCsv(point, { features: "u,i,f", label: "is_anomaly" }),
    "labeled.csv": readingsCsv(point, { label: "anomaly" }),
    "export.csv": semicolon,
    "a.csv": single(5, "y"),
    "b.csv": single(6, "y"),
    // Local times without an offset, as public data sets write them (`--time-offset`).
    "local.csv": single(7, "y").replace(/(\d{4}-\d{2}-\d{2})T([\d:.]+)Z/g, "$1 $2"),
    "run1.csv": runs(11),
    "run2.csv": runs(12),
    "run3.csv": runs(13),
  };
}

async function prepare(dir: string, models: Map<string, string>): Promise<void> {
  for (const name of LINKED) await Deno.symlink(`${REPO_ROOT}${name}`, `${dir}/${name}`);
  for (const [name, text] of Object.entries(fixtures())) {
    await Deno.writeTextFile(`${dir}/${name}`, text);
  }
  await Deno.mkdir(`${dir}/models`);
  for (const [name, path] of models) {
    await Deno.mkdir(`${dir}/${name.slice(0, name.lastIndexOf("/"))}`, { recursive: true });
    await Deno.copyFile(path, `${dir}/${name}`);
  }
}

/** Files a command says it writes: `--scores`, `--report` and a `>` redirect. */
function outputsOf(command: string): string[] {
  const out: string[] = [];
  for (const m of command.matchAll(/--(?:scores|report)\s+(\S+)|>\s*(\S+)/g)) {
    out.push(m[1] ?? m[2]);
  }
  return out;
}

const cli = extractCommands(DOC).filter((c) => /^deno task (train|evaluate)\b/.test(c.command));

Deno.test("docs/DETECTOR.md lists no command that is neither run here nor in OTHER", () => {
  const unknown = extractCommands(DOC).filter((c) =>
    !/^deno task (train|evaluate)\b/.test(c.command) && !(c.command in OTHER)
  );
  assert.deepEqual(unknown.map((c) => `line ${c.line}: ${c.command}`), []);
  const listed = new Set(extractCommands(DOC).map((c) => c.command));
  assert.deepEqual(Object.keys(OTHER).filter((c) => !listed.has(c)), [], "stale OTHER entries");
});

Deno.test("every flag docs/DETECTOR.md mentions is in a command it runs or lists", () => {
  const commands = extractCommands(DOC).map((c) => `${c.command} `);
  const flags = new Set(DOC.match(/--[a-z][a-z-]*/g));
  const missing = [...flags].filter((flag) => !commands.some((c) => c.includes(`${flag} `)));
  assert.deepEqual(missing, []);
});

Deno.test("every deno task train and evaluate command in docs/DETECTOR.md runs as written", async () => {
  assert.ok(cli.length >= 10, `only ${cli.length} CLI commands found`);
  const keep = await Deno.makeTempDir({ prefix: "detector_docs_models_" });
  const models = new Map<string, string>();
  // Train commands first, so evaluate commands find the artifacts they name.
  const ordered = [
    ...cli.filter((c) => c.command.startsWith("deno task train")),
    ...cli.filter((c) => c.command.startsWith("deno task evaluate")),
  ];
  try {
    for (const { command, line } of ordered) {
      const dir = await Deno.makeTempDir({ prefix: "detector_docs_" });
      try {
        await prepare(dir, models);
        const env: Record<string, string> = {
          PATH: Deno.env.get("PATH") ?? "",
          HOME: Deno.env.get("HOME") ?? "/tmp",
          NO_COLOR: "1",
        };
        const denoDir = Deno.env.get("DENO_DIR");
        if (denoDir) env.DENO_DIR = denoDir;
        const run = await new Deno.Command("bash", {
          args: ["-c", command],
          cwd: dir,
          clearEnv: true,
          env,
          stdout: "piped",
          stderr: "piped",
        }).output();
        const stderr = new TextDecoder().decode(run.stderr);
        assert.equal(run.code, 0, `line ${line}: ${command}\n${stderr}`);
        assert.doesNotMatch(stderr, /\n\s+at /, `line ${line}: a stack trace`);
        for (const file of outputsOf(command)) {
          const text = await Deno.readTextFile(`${dir}/${file}`);
          assert.ok(text.length > 0, `line ${line}: ${file} is empty`);
          if (file.endsWith(".json")) JSON.parse(text);
        }
        // Artifacts evaluate commands name: the plain workshop train's, the own-data temporal
        // train's (models/) and those written to another --model-dir.
        const other = /--model-dir\s+(\S+)/.exec(command)?.[1];
        const keepFrom = command === "deno task train" || other !== undefined ||
          (command.includes("run1.csv") && command.includes("--detector temporal") &&
            !command.includes("--per-file"));
        if (keepFrom) {
          const from = other ?? "models";
          for await (const entry of Deno.readDir(`${dir}/${from}`)) {
            if (!entry.isFile || entry.name.startsWith(".")) continue;
            const path = `${keep}/${models.size}-${entry.name}`;
            await Deno.copyFile(`${dir}/${from}/${entry.name}`, path);
            models.set(`${from}/${entry.name}`, path);
          }
        }
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    }
  } finally {
    await Deno.remove(keep, { recursive: true });
  }
});
