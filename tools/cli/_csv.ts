/**
 * A small RFC 4180 CSV reader for "bring your own data": a header row,
 * optional double quotes ("" escapes a quote), LF or CRLF line ends. The
 * separator (comma, semicolon or tab) is detected from the header row, since
 * spreadsheets in many locales export semicolons; with a semicolon or tab,
 * a decimal comma (230,5) reads as a decimal point. Errors are
 * TypeError/RangeError naming the line and column (and the separator, where
 * it may be the cause).
 */
import { parseTimestamp, timestampProblem } from "../../lib/timestamp.ts";

/** Separators the reader detects, and their names in messages. */
export const SEPARATORS: Readonly<Record<string, string>> = Object.freeze({
  ",": "comma",
  ";": "semicolon",
  "\t": "tab",
});

/**
 * The separator of a CSV text: whichever of comma, semicolon and tab occurs
 * most often (outside quotes) in its first line; comma when none does.
 */
export function detectSeparator(text: string): string {
  const counts = new Map<string, number>([[",", 0], [";", 0], ["\t", 0]]);
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === "\n" || c === "\r")) break;
    else if (!quoted && counts.has(c)) counts.set(c, counts.get(c)! + 1);
  }
  let best = ",";
  for (const [c, n] of counts) if (n > counts.get(best)!) best = c;
  return best;
}

/** A parsed CSV file: the header and the data records (strings). */
export interface CsvTable {
  header: string[];
  rows: string[][];
  /** 1-based line on which each data record starts (for error messages). */
  lines: number[];
  /** The field separator: detected, or as given. */
  separator: string;
}

/** Parse CSV text with a header row (separator detected unless given); throws TypeError on malformed input. */
export function parseCsv(text: string, separator: string = detectSeparator(text)): CsvTable {
  const records: string[][] = [];
  const starts: number[] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  let line = 1;
  let recordStart = 1;
  let fieldStarted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    record.push(field);
    // Skip blank lines (a record of one empty unquoted field).
    if (!(record.length === 1 && record[0] === "" && !fieldStarted)) {
      records.push(record);
      starts.push(recordStart);
    }
    record = [];
    field = "";
    fieldStarted = false;
  };
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (c === "\n") line++;
        field += c;
      }
      continue;
    }
    if (c === '"') {
      if (field !== "") {
        throw new TypeError(`CSV line ${line}: a quote may only start a field, got ${field}"`);
      }
      quoted = true;
      fieldStarted = true;
    } else if (c === separator) {
      record.push(field);
      field = "";
      fieldStarted = true;
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordStart = line;
    } else {
      field += c;
    }
  }
  if (quoted) throw new TypeError(`CSV line ${recordStart}: a quoted field is never closed`);
  if (field !== "" || record.length > 0 || fieldStarted) endRecord();

  if (records.length === 0) throw new TypeError("CSV file is empty: a header row is required");
  const header = records[0].map((h) => h.trim());
  const seen = new Set<string>();
  for (const name of header) {
    // An unnamed column (pandas' index, a trailing separator) cannot be picked, so it is ignored.
    if (name === "") continue;
    if (seen.has(name)) throw new TypeError(`CSV header repeats the column "${name}"`);
    seen.add(name);
  }
  const rows = records.slice(1);
  const lines = starts.slice(1);
  if (rows.length === 0) {
    throw new TypeError("CSV file has a header row but no data rows");
  }
  rows.forEach((row, r) => {
    if (row.length !== header.length) {
      throw new TypeError(
        `CSV line ${lines[r]} has ${row.length} fields, the header has ${header.length} ` +
          `(fields separated by ${SEPARATORS[separator] ?? `"${separator}"`})`,
      );
    }
  });
  return { header, rows, lines, separator };
}

/** Options for {@link csvColumns}. */
export interface CsvColumnsOptions {
  /** Numeric feature columns, in model order. */
  features: readonly string[];
  /** Optional label column: 0/1, 0.0/1.0 or true/false. */
  label?: string;
  /** Optional meter (stream key) column: any text. */
  meter?: string;
  /** Optional time column: a number or a timestamp (lib/timestamp.ts); must not go backwards per meter. */
  time?: string;
  /** UTC offset (`Z` or `±HH:MM`) of time cells written without one; without it they are refused. */
  timeOffset?: string;
}

/** Feature matrix (row-major) and optional labels, meters and times taken from a CSV table. */
export interface CsvData {
  matrix: Float64Array;
  labels: boolean[] | null;
  /** Meter per row, when a meter column was named. */
  meters: string[] | null;
  /** Time per row (a number as written, or epoch milliseconds), when a time column was named. */
  times: number[] | null;
  /** The time cells as written. */
  timeText: string[] | null;
  rows: number;
  /** 1-based CSV line of each row. */
  lines: number[];
}

function columnIndex(table: CsvTable, name: string, what: string): number {
  const index = table.header.indexOf(name);
  if (index === -1) {
    const hint = table.header.length === 1
      ? ` (one column: fields must be separated by a comma, semicolon or tab)`
      : "";
    throw new RangeError(
      `CSV has no ${what} column "${name}"; its columns are ${
        table.header.filter((h) => h !== "").join(",")
      }${hint}`,
    );
  }
  return index;
}

/** A numeric cell: a plain number, or with a decimal comma when commas do not separate fields. */
function parseNumber(raw: string, separator: string): number {
  if (raw === "") return NaN;
  if (separator !== "," && /^[+-]?\d*,\d+(e[+-]?\d+)?$/i.test(raw)) {
    return Number(raw.replace(",", "."));
  }
  return Number(raw);
}

/** A label cell as a boolean: 0/1 in any numeric spelling (0.0, 1.0) or true/false; else null. */
export function parseLabel(raw: string): boolean | null {
  const text = raw.trim().toLowerCase();
  if (text === "true") return true;
  if (text === "false") return false;
  const value = text === "" ? NaN : Number(text);
  return value === 1 ? true : value === 0 ? false : null;
}

/** A date and a time of day with no UTC offset after it (a space or T between them). */
const NO_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * A time cell's text as the service's rule reads it: a space between date and
 * time becomes T (RFC 3339 allows a space in data files, section 5.6), and a
 * date-time with no offset takes `offset` when one is given (`--time-offset`).
 */
function asTimestamp(text: string, offset: string | undefined): string {
  const spaced = text.charCodeAt(10) === 32 ? `${text.slice(0, 10)}T${text.slice(11)}` : text;
  return offset !== undefined && NO_OFFSET.test(text) ? spaced + offset : spaced;
}

/**
 * A time cell as a number: a plain number as written, else a timestamp by the
 * service's rule (lib/timestamp.ts) in epoch ms, read as {@link asTimestamp}
 * says; null when it is neither.
 */
export function parseTime(raw: string, offset?: string): number | null {
  const text = raw.trim();
  if (text === "") return null;
  const number = Number(text);
  if (Number.isFinite(number)) return number;
  const ms = parseTimestamp(asTimestamp(text, offset));
  return Number.isNaN(ms) ? null : ms;
}

/** Why a time cell is refused, in words (`text` is not empty). */
function timeProblem(text: string, offset: string | undefined): string {
  const problem = timestampProblem(asTimestamp(text, offset)) ?? "";
  return offset === undefined && NO_OFFSET.test(text)
    ? `${problem}; or name the file's offset: --time-offset Z (or +01:00, ...)`
    : problem;
}

/** Pick numeric feature columns (and label, meter, time columns) out of a table; throws naming the cell. */
export function csvColumns(table: CsvTable, options: CsvColumnsOptions): CsvData {
  const { features, label, meter, time, timeOffset } = options;
  const indices = features.map((name) => columnIndex(table, name, "feature"));
  const labelIndex = label === undefined ? -1 : columnIndex(table, label, "label");
  const meterIndex = meter === undefined ? -1 : columnIndex(table, meter, "meter");
  const timeIndex = time === undefined ? -1 : columnIndex(table, time, "time");
  const nf = features.length;
  const matrix = new Float64Array(table.rows.length * nf);
  const labels: boolean[] | null = label === undefined ? null : [];
  const meters: string[] | null = meter === undefined ? null : [];
  const times: number[] | null = time === undefined ? null : [];
  const timeText: string[] | null = time === undefined ? null : [];
  const last = new Map<string, { time: number; line: number }>();
  // Numbers and timestamps are not comparable: a column holds one kind, as its first cell does.
  let firstTime: { numeric: boolean; line: number; text: string } | null = null;
  table.rows.forEach((row, r) => {
    const line = table.lines[r];
    for (let f = 0; f < nf; f++) {
      const raw = row[indices[f]].trim();
      const value = parseNumber(raw, table.separator);
      if (!Number.isFinite(value)) {
        throw new TypeError(
          raw === ""
            ? `CSV line ${line}, column "${features[f]}": the cell is empty (a missing value); ` +
              "fill it in or drop the row"
            : `CSV line ${line}, column "${features[f]}": "${raw}" is not a finite number`,
        );
      }
      matrix[r * nf + f] = value;
    }
    if (labels) {
      const value = parseLabel(row[labelIndex]);
      if (value === null) {
        throw new TypeError(
          `CSV line ${line}, column "${label}": label "${row[labelIndex]}" must be 0 or 1 ` +
            "(also 0.0/1.0 or true/false)",
        );
      }
      labels.push(value);
    }
    const key = meters ? row[meterIndex].trim() : "";
    if (meters) meters.push(key);
    if (times) {
      const text = row[timeIndex].trim();
      const t = parseTime(text, timeOffset);
      if (t === null) {
        throw new TypeError(
          `CSV line ${line}, column "${time}": "${row[timeIndex]}" is neither a number nor a ` +
            `timestamp (${text === "" ? "the cell is empty" : timeProblem(text, timeOffset)})`,
        );
      }
      const numeric = Number.isFinite(Number(text));
      firstTime ??= { numeric, line, text };
      if (numeric !== firstTime.numeric) {
        const kind = (n: boolean) => n ? "a number" : "a timestamp";
        throw new TypeError(
          `CSV line ${line}, column "${time}": "${text}" is ${kind(numeric)}, but line ` +
            `${firstTime.line}'s "${firstTime.text}" is ${kind(firstTime.numeric)}; ` +
            "a time column holds one kind",
        );
      }
      const before = last.get(key);
      if (before && t < before.time) {
        throw new RangeError(
          `CSV line ${line}, column "${time}": time goes backwards` +
            (meters ? ` for meter "${key}"` : "") + ` (line ${before.line} is later); ` +
            "sort the file by time",
        );
      }
      last.set(key, { time: t, line });
      times.push(t);
      timeText!.push(text);
    }
  });
  return { matrix, labels, meters, times, timeText, rows: table.rows.length, lines: table.lines };
}
