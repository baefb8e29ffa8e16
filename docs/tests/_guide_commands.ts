/**
 * Reads shell commands out of a Markdown guide and decides what the guide
 * test does with each: the pure part of `guide_commands_test.ts` (no
 * processes, no network), so it is unit-tested on its own.
 */

/** One command from a fenced `sh`/`bash` block. */
export interface GuideCommand {
  /** The command on one line: continuations joined, comments and prompts removed. */
  command: string;
  /** 1-based line in the Markdown file where the command starts. */
  line: number;
}

/** Fence languages whose lines are commands; every other block (`text`, `json`, `yaml`) is output or a file. */
export const SHELL_LANGUAGES: readonly string[] = ["sh", "bash"];

const FENCE = /^\s*(`{3,}|~{3,})\s*([\w+-]*)/;

/**
 * Remove a trailing `# comment` that starts a word outside quotes; keep `#`
 * inside words (`a#b`) and quotes (`'#'`).
 */
export function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === "\\" && quote === '"') i++;
      continue;
    }
    if (ch === "\\") {
      i++;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === "#" && (i === 0 || /\s/.test(line[i - 1]))) {
      return line.slice(0, i).trimEnd();
    }
  }
  return line.trimEnd();
}

/** Whether a (comment-free) line continues on the next one: `\`, or a trailing `|`, `&&`, `||`. */
function continues(line: string): boolean {
  return /(\\|\||&&)$/.test(line);
}

/**
 * Every command in the guide's `sh`/`bash` fenced blocks, in order. Lines
 * ending in `\`, `|`, `&&` or `||` are joined with the next; blank lines and
 * comments are dropped. Throws TypeError on an unclosed fence or a block that
 * ends in the middle of a command.
 */
export function extractCommands(markdown: string): GuideCommand[] {
  const lines = markdown.split("\n");
  const commands: GuideCommand[] = [];
  let fence: { marker: string; shell: boolean; line: number } | null = null;
  let pending: { text: string; line: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const open = FENCE.exec(raw);
    if (!fence) {
      if (open) {
        fence = {
          marker: open[1],
          shell: SHELL_LANGUAGES.includes(open[2].toLowerCase()),
          line: i + 1,
        };
      }
      continue;
    }
    const bare = raw.trim();
    if (
      /^(`{3,}|~{3,})$/.test(bare) && bare[0] === fence.marker[0] &&
      bare.length >= fence.marker.length
    ) {
      if (pending) {
        throw new TypeError(
          `Command at line ${pending.line} continues past the end of its block: "${pending.text}"`,
        );
      }
      fence = null;
      continue;
    }
    if (!fence.shell) continue;
    const text = stripComment(raw.trim().replace(/^\$\s+/, ""));
    if (pending) {
      pending.text = `${pending.text.replace(/\\$/, "").trimEnd()} ${text}`.trim();
    } else if (text !== "") {
      pending = { text, line: i + 1 };
    }
    if (pending && !continues(pending.text)) {
      commands.push({ command: pending.text, line: pending.line });
      pending = null;
    }
  }
  if (fence) throw new TypeError(`Fenced block opened at line ${fence.line} is never closed`);
  return commands;
}

/** Where the test's services listen; the guide's commands name the default ports 8000 and 8501. */
export interface ServicePorts {
  backend: number;
  ui: number;
}

/** How a guide command is adapted to the test's run. */
export interface RunContext {
  ports: ServicePorts;
  /** Image tag replacing the guide's `0.1.0`, so concurrent runs never share images. */
  imageTag: string;
}

/**
 * Point a guide command at the test's services and images: `localhost:8000`
 * and `127.0.0.1:8000` become `127.0.0.1:<backend>` (the same for the UI's
 * 8501), and `localhost/anomaly-backend:0.1.0` / `localhost/anomaly-ui:0.1.0` get the run's tag.
 */
export function adaptCommand(command: string, context: RunContext): string {
  const { ports, imageTag } = context;
  return command
    .replace(/\b(?:localhost|127\.0\.0\.1):8000\b/g, `127.0.0.1:${ports.backend}`)
    .replace(/\b(?:localhost|127\.0\.0\.1):8501\b/g, `127.0.0.1:${ports.ui}`)
    .replace(/\b(anomaly-(?:backend|ui)):0\.1\.0(?![\w.-])/g, `$1:${imageTag}`);
}

/** A command the test can only list: it needs Docker Desktop, a kind cluster, a browser, or runs until stopped. */
export interface ManualEntry {
  command: string;
  why: string;
}

/** A family of commands the test runs here. */
export interface RunnableRule {
  /** Matches the whole command. */
  pattern: RegExp;
  /**
   * `run`: executed to completion, must exit 0. `serve`: a long-running
   * service the test starts, waits for, and stops when the guide starts the
   * next one of the same service (or at the end).
   */
  mode: "run" | "serve";
  /** For `serve`: which service it is (`stack` = both, `deno task dev`), so it gets its ports. */
  service?: "backend" | "ui" | "stack";
  /** Tools that must be on PATH (skipped outside CI when missing, failing in CI). */
  tools?: string[];
  /** Per-command time limit in seconds for `run` (default 120). */
  timeoutS?: number;
}

/** What the test does with one command. */
export type Classification =
  | { kind: "manual"; entry: ManualEntry }
  | { kind: "runnable"; rule: RunnableRule }
  | { kind: "unknown" };

/**
 * Classify a command: the explicit manual list first (exact match), then the
 * runnable rules; anything else is `unknown`, which the guide test fails on.
 */
export function classify(
  command: string,
  manual: readonly ManualEntry[],
  runnable: readonly RunnableRule[],
): Classification {
  const entry = manual.find((m) => m.command === command);
  if (entry) return { kind: "manual", entry };
  const rule = runnable.find((r) => r.pattern.test(command));
  if (rule) return { kind: "runnable", rule };
  return { kind: "unknown" };
}
