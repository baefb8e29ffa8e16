/**
 * Test helpers for suites that need an external tool (chromium, promtool,
 * podman, kubectl, k6, ...). Outside CI a missing tool skips the suite with a
 * one-line reason; in CI (`CI=true`) it fails, because `.ci/run` must have
 * installed it.
 */
import { printError } from "../lib/logger.ts";

/** Whether we run under CI. */
export function inCI(): boolean {
  return Deno.env.get("CI") === "true";
}

/** Absolute path of `name` on PATH, or null. */
export function which(name: string): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (!dir) continue;
    const path = `${dir}/${name}`;
    try {
      const info = Deno.statSync(path);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return path;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/**
 * `ignore` value for `Deno.test` when a tool is required: false when every tool
 * is present; true (with one stderr line saying why) outside CI when one is
 * missing; throws in CI.
 */
export function skipUnless(...tools: string[]): boolean {
  const missing = tools.filter((t) => which(t) === null);
  if (missing.length === 0) return false;
  const reason = `missing ${missing.join(", ")} on PATH`;
  if (inCI()) throw new Error(`CI=true but ${reason}: .ci/run must install it`);
  printError(`skip: ${reason}`);
  return true;
}

/** `promtool check metrics` on an exposition text: its exit code and everything it printed. */
export async function promtoolCheckMetrics(
  text: string,
): Promise<{ code: number; report: string }> {
  const child = new Deno.Command("promtool", {
    args: ["check", "metrics"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, report: decode(out.stdout) + decode(out.stderr) };
}
