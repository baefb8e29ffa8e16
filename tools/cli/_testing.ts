/** Test helpers for the command-line tools: captured output, temp dirs, real subprocesses. */
import type { CliIo } from "./_common.ts";

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
