/**
 * Shared plumbing of the command-line tools: flag parsing with
 * `node:util` parseArgs, settings from flag, environment or default, and one
 * runner that turns expected errors into a one-line message and exit code 2.
 */
import { parseArgs } from "node:util";
import { print, printError } from "../../lib/logger.ts";
import { describeKind, describeRange, inRange, isKind, type Range } from "../../lib/ranges.ts";
import { DEFAULTS } from "../../backend/config.ts";

/** A mistake in how the tool was called; reported without a stack trace, exit code 2. */
export class UsageError extends Error {
  /** Create a usage error with a one-line message. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Where a tool writes and reads its environment (tests pass fakes). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env(name: string): string | undefined;
}

/** The real console and environment. */
export const defaultIo: CliIo = {
  out: print,
  err: printError,
  env: (name) => Deno.env.get(name),
};

/** Flags a tool accepts: each takes a string value except booleans; `multiple` ones repeat. */
export type FlagSpec = Record<string, { type: "string" | "boolean"; multiple?: boolean }>;

/** Parse `args` strictly; unknown flags and stray arguments become a {@link UsageError}. */
export function parseFlags(
  args: string[],
  spec: FlagSpec,
): Record<string, string | boolean | undefined> {
  try {
    const { values } = parseArgs({ args, options: spec, strict: true, allowPositionals: false });
    // Repeatable flags come back as arrays; `stringList` reads them.
    return values as Record<string, string | boolean | undefined>;
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = (err as Error).message;
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`Unknown flag ${flag} (see --help)`);
    }
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      const arg = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(
        `Unexpected argument "${arg}" (flags take the form --name value; repeat --csv for each ` +
          "file, or name a folder)",
      );
    }
    // e.g. "Option '--seed <value>' argument missing. ...": keep the first sentence.
    const first = message.split(/\.(?:\s|$)/)[0];
    throw new UsageError(
      code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && /ambiguous/.test(first)
        ? `${first} (write --name=VALUE for a value starting with a dash)`
        : first,
    );
  }
}

/** Where a setting comes from, for error messages. */
export interface Setting {
  /** Flag name without dashes, e.g. "n-estimators". */
  flag: string;
  /** Environment variable, e.g. "N_ESTIMATORS". */
  env?: string;
}

/** The raw value of a setting: the flag, else the environment variable; with its label. */
export function rawSetting(
  values: Record<string, string | boolean | undefined>,
  io: CliIo,
  setting: Setting,
): { raw: string; label: string } | null {
  const flag = values[setting.flag];
  if (typeof flag === "string") return { raw: flag, label: `--${setting.flag}` };
  const env = setting.env ? io.env(setting.env)?.trim() : undefined;
  if (env) return { raw: env, label: setting.env! };
  return null;
}

/** The flags {@link modelPlace} reads, merged into each tool's flags. */
export const MODEL_PLACE_FLAGS = {
  "model-dir": { type: "string" },
  "model-name": { type: "string" },
} as const;

/**
 * Each detector's default artifact name. The point model's is the server's
 * MODEL_NAME default (`backend/config.ts`), so what the trainer writes is
 * what the server loads.
 */
export const DEFAULT_MODEL_NAMES: Readonly<Record<"point" | "temporal", string>> = Object.freeze({
  point: DEFAULTS.MODEL_NAME,
  temporal: "temporal_window.json",
});

/** The help lines of {@link MODEL_PLACE_FLAGS}; `temporal` adds the temporal model's name. */
export function modelPlaceHelp(temporal: boolean): string {
  const name = temporal
    ? `default ${DEFAULT_MODEL_NAMES.point}, or
                         ${DEFAULT_MODEL_NAMES.temporal} for --detector temporal)`
    : `default ${DEFAULT_MODEL_NAMES.point})`;
  return `  --model-dir DIR        (env MODEL_DIR, default ${DEFAULTS.MODEL_DIR})
  --model-name FILE      (env MODEL_NAME, ${name}`;
}

/**
 * Where a model artifact lives: `--model-dir` or MODEL_DIR (default the
 * server's, "models"), and `--model-name` or MODEL_NAME (default `fallbackName`).
 */
export function modelPlace(
  values: Record<string, string | boolean | undefined>,
  io: CliIo,
  fallbackName: string,
): { dir: string; name: string } {
  const dir = rawSetting(values, io, { flag: "model-dir", env: "MODEL_DIR" })?.raw ??
    DEFAULTS.MODEL_DIR;
  const name = rawSetting(values, io, { flag: "model-name", env: "MODEL_NAME" })?.raw ??
    fallbackName;
  return { dir, name };
}

/** Options for {@link numberSetting}. */
export interface NumberSettingOptions extends Setting {
  fallback: number;
  integer?: boolean;
  /** Allowed values: one outside gets a UsageError in the words of `describeRange`. */
  range?: Range;
}

/**
 * A numeric setting from flag, environment or fallback; throws UsageError
 * quoting a value that is not a number of the right kind, or naming the range
 * it is outside.
 */
export function numberSetting(
  values: Record<string, string | boolean | undefined>,
  io: CliIo,
  options: NumberSettingOptions,
): number {
  const found = rawSetting(values, io, options);
  if (!found) return options.fallback;
  const value = found.raw.trim() === "" ? NaN : Number(found.raw);
  const range: Range = { integer: options.integer === true, ...options.range };
  if (!isKind(range, value)) {
    throw new UsageError(`${found.label} must be ${describeKind(range)}, got "${found.raw}"`);
  }
  if (!inRange(range, value)) {
    throw new UsageError(`${found.label} must be ${describeRange(range)}, got ${value}`);
  }
  return value;
}

/** Every value of a repeatable string flag (none when absent). */
export function stringList(values: Record<string, unknown>, flag: string): string[] {
  const value = values[flag];
  if (Array.isArray(value)) return value.map(String);
  return typeof value === "string" ? [value] : [];
}

/** A comma-separated list, trimmed, without empty entries. */
export function splitList(raw: string): string[] {
  return raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/** Read a text file, turning "not found" and similar into a one-line {@link UsageError}. */
export async function readInputFile(path: string, what: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw new UsageError(`${what} "${path}" not found`);
    if (err instanceof Deno.errors.IsADirectory) {
      throw new UsageError(`${what} "${path}" is a directory`);
    }
    throw new UsageError(`Cannot read ${what.toLowerCase()} "${path}": ${(err as Error).message}`);
  }
}

/** A tool's entry point: parses `args`, does the work, returns the exit code. */
export type CliMain = (args: string[], io: CliIo) => Promise<number>;

/** Options for {@link runCli}. */
export interface RunCliOptions {
  /** Tool name prefixed to error messages, e.g. "train". */
  tool: string;
  args: string[];
  /** Default: the real console and environment. */
  io?: CliIo;
}

/**
 * Run a tool's main function: usage and data errors (UsageError, TypeError,
 * RangeError) print one line and give exit code 2; anything else prints one
 * line and gives 1. Never a stack trace.
 */
export async function runCli(main: CliMain, options: RunCliOptions): Promise<number> {
  const { tool, args, io = defaultIo } = options;
  try {
    return await main(args, io);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof UsageError || err instanceof TypeError || err instanceof RangeError) {
      io.err(`${tool}: ${message}`);
      return 2;
    }
    io.err(`${tool}: failed: ${message}`);
    return 1;
  }
}
