/**
 * Flags of the benchmark scripts: `node:util` parseArgs, but a mistake ends
 * the script with one line naming every flag it takes (exit code 2), never a
 * stack trace.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { errorMessage, printError } from "../../lib/logger.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** The flags `options` describes, as `--name VALUE` or `--name` for a switch. */
export function flagList(options: Options): string {
  return Object.entries(options)
    .map(([name, o]) => (o.type === "boolean" ? `--${name}` : `--${name} VALUE`))
    .join(", ");
}

/** `argv` parsed by `options`; on a mistake, a one-line usage error and exit code 2. */
export function benchArgs<const O extends Options>(
  tool: string,
  argv: string[],
  options: O,
): ReturnType<typeof parseArgs<{ options: O; args: string[] }>>["values"] {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    const first = errorMessage(err).split(/\.(?:\s|$)/)[0];
    printError(`${tool}: ${first} (flags: ${flagList(options)})`);
    Deno.exit(2);
  }
}
