// deno-lint-ignore-file no-console
/**
 * The one place that writes to the console. Services log one JSON line per
 * event; command-line tools print human-readable text with {@link print}.
 */

/** Log levels in increasing severity. */
export type Level = "debug" | "info" | "warn" | "error";

/** Extra fields for a log line. Values must be JSON-serialisable; never pass secrets. */
export type Fields = Record<string, unknown>;

/** A structured logger bound to a set of base fields. */
export interface Logger {
  debug(event: string, fields?: Fields): void;
  info(event: string, fields?: Fields): void;
  warn(event: string, fields?: Fields): void;
  error(event: string, fields?: Fields): void;
  /** Whether a line at `level` would be written (skip building its fields when not). */
  enabled(level: Level): boolean;
}

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Lowest level written. Default "info". */
  level?: Level;
  /** Where lines go; default stderr for warn/error, stdout otherwise. Tests pass an array sink. */
  sink?: (line: string, level: Level) => void;
}

function defaultSink(line: string, level: Level): void {
  if (ORDER[level] >= ORDER.warn) console.error(line);
  else console.log(line);
}

/** Create a JSON-lines logger: `{"time","level","event",...fields}`. */
export function createLogger(base: Fields = {}, options: LoggerOptions = {}): Logger {
  const min = ORDER[options.level ?? "info"];
  const sink = options.sink ?? defaultSink;
  const write = (level: Level, event: string, fields?: Fields) => {
    if (ORDER[level] < min) return;
    sink(
      JSON.stringify({ time: new Date().toISOString(), level, event, ...base, ...fields }),
      level,
    );
  };
  return {
    debug: (e, f) => write("debug", e, f),
    info: (e, f) => write("info", e, f),
    warn: (e, f) => write("warn", e, f),
    error: (e, f) => write("error", e, f),
    enabled: (level) => ORDER[level] >= min,
  };
}

/** The message of a thrown value, for a log field or a reason: `err.message`, else `String(err)`. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A logger that drops everything (for tests that do not inspect logs). */
export const silentLogger: Logger = createLogger({}, { sink: () => {} });

/** Print human-readable output of a command-line tool to stdout. */
export function print(text = ""): void {
  console.log(text);
}

/** Print a human-readable warning or error of a command-line tool to stderr. */
export function printError(text: string): void {
  console.error(text);
}
