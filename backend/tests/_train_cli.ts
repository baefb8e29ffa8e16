/** Test helper: `deno task train` as a real subprocess, for suites that serve what it writes. */
import assert from "node:assert/strict";
import { MODEL_SETTINGS } from "../detector/mod.ts";
import { runTool } from "../../tools/cli/_testing.ts";

/**
 * The trainer's flags for model settings written as the server's environment
 * (`{ N_ESTIMATORS: "20" }` gives `--n-estimators 20`), in the order of
 * `MODEL_SETTINGS`; so one record configures both the trainer and the server.
 */
export function settingFlags(settings: Readonly<Record<string, string>>): string[] {
  const known = new Set(MODEL_SETTINGS.map((s) => s.env));
  for (const name of Object.keys(settings)) {
    assert.ok(known.has(name), `${name} is not a model setting`);
  }
  return MODEL_SETTINGS.filter((s) => settings[s.env] !== undefined)
    .flatMap((s) => [`--${s.flag}`, settings[s.env]]);
}

/** Run `train.ts` with `args`, fail the test with its stderr unless it exits 0; its stdout. */
export async function trainCli(args: string[]): Promise<string> {
  const run = await runTool("train.ts", args);
  assert.equal(run.code, 0, run.stderr);
  return run.stdout;
}

/** The full version in the trainer's "Wrote <path> (sha256:…)" line. */
export function writtenVersion(stdout: string): string {
  const match = /^Wrote .+ \((sha256:[0-9a-f]{64})\)$/m.exec(stdout);
  assert.ok(match, `no "Wrote … (sha256:…)" line in:\n${stdout}`);
  return match[1];
}
