/**
 * Test helpers for the command-line tools: captured output, in-process and
 * real-process runs, temp dirs, CSV files of simulated readings.
 */
import assert from "node:assert/strict";
import { type CliIo, type CliMain, runCli } from "./_common.ts";
import type { Reading } from "../../lib/simulator/simulator.ts";

/** A {@link CliIo} that records output and serves a fake environment. */
export interface CapturedIo extends CliIo {
  stdout: string[];
  stderr: string[];
}

/** Capture output; `env` replaces the real environment entirely. */
export function captureIo(env: Record<string, string> = {}): CapturedIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    env: (name) => env[name],
  };
}

/**
 * Run a tool's `main` in this process with captured output (and `env` as
 * the whole environment); asserts the exit code is `code` (default 0),
 * showing stderr when it is not.
 */
export async function runMain(
  main: CliMain,
  tool: string,
  args: string[],
  options: { env?: Record<string, string>; code?: number } = {},
): Promise<CapturedIo> {
  const io = captureIo(options.env);
  const code = await runCli(main, { tool, args, io });
  assert.equal(code, options.code ?? 0, `${tool} ${args.join(" ")}: ${io.stderr.join("\n")}`);
  return io;
}

/** How {@link readingsCsv} writes simulated readings; columns in the order of these fields. */
export interface ReadingsCsvOptions {
  /** Time column (first), from `timestamp`. */
  time?: string;
  /** Meter column, from `meter_id`. */
  meter?: string;
  /** Names of the voltage, current and frequency columns, comma-separated. */
  features?: string;
  /** Label column (last, or before the features with `labelFirst`), from `anomaly`. */
  label?: string;
  labelFirst?: boolean;
  /** How a normal and an anomalous reading are labeled. Default 0 and 1. */
  labels?: readonly [string, string];
}

/** A reading as the simulators write it: grid values, a label, maybe a meter. */
type SimulatedRow = Reading & { timestamp: string; anomaly: boolean; meter_id?: string };

/** CSV text of simulated readings with a header row, columns as `options` name them. */
export function readingsCsv(
  readings: readonly SimulatedRow[],
  options: ReadingsCsvOptions = {},
): string {
  const [normal, anomaly] = options.labels ?? ["0", "1"];
  type Column = [string, (r: SimulatedRow) => string];
  const label: Column[] = options.label
    ? [[options.label, (r) => (r.anomaly ? anomaly : normal)]]
    : [];
  const columns: Column[] = [
    ...(options.time ? [[options.time, (r) => r.timestamp] as Column] : []),
    ...(options.meter ? [[options.meter, (r) => r.meter_id ?? ""] as Column] : []),
    ...(options.labelFirst ? label : []),
    [
      options.features ?? "voltage,current,frequency",
      (r) => `${r.voltage},${r.current},${r.frequency}`,
    ],
    ...(options.labelFirst ? [] : label),
  ];
  return [
    columns.map(([name]) => name).join(","),
    ...readings.map((r) => columns.map(([, cell]) => cell(r)).join(",")),
  ].join("\n");
}

/** Run `fn` with a fresh temp directory, removed afterwards. */
export async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "cli_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Result of running a tool as a real process. */
export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `tools/cli/<script>` with `deno run` from the repository root, with a clean environment. */
export async function runTool(script: string, args: string[]): Promise<ToolRun> {
  const root = new URL("../../", import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-env", "--allow-read", "--allow-write", `tools/cli/${script}`, ...args],
    cwd: root,
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "/tmp", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}
