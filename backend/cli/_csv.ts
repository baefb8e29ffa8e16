/**
 * A small RFC 4180 CSV reader for "bring your own data": a header row, comma
 * separators, optional double quotes ("" escapes a quote), LF or CRLF line
 * ends. Errors are TypeError/RangeError naming the line and column.
 */

/** A parsed CSV file: the header and the data records (strings). */
export interface CsvTable {
  header: string[];
  rows: string[][];
  /** 1-based line on which each data record starts (for error messages). */
  lines: number[];
}

/** Parse CSV text with a header row; throws TypeError on malformed input. */
export function parseCsv(text: string): CsvTable {
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
    } else if (c === ",") {
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
    if (name === "") throw new TypeError("CSV header has an empty column name");
    if (seen.has(name)) throw new TypeError(`CSV header repeats the column "${name}"`);
    seen.add(name);
  }
  const rows = records.slice(1);
  const lines = starts.slice(1);
  rows.forEach((row, r) => {
    if (row.length !== header.length) {
      throw new TypeError(
        `CSV line ${lines[r]} has ${row.length} fields, the header has ${header.length}`,
      );
    }
  });
  return { header, rows, lines };
}

/** Options for {@link csvColumns}. */
export interface CsvColumnsOptions {
  /** Numeric feature columns, in model order. */
  features: readonly string[];
  /** Optional 0/1 label column (also true/false). */
  label?: string;
}

/** Feature matrix (row-major) and optional labels taken from a CSV table. */
export interface CsvData {
  matrix: Float64Array;
  labels: boolean[] | null;
  rows: number;
}

function columnIndex(table: CsvTable, name: string, what: string): number {
  const index = table.header.indexOf(name);
  if (index === -1) {
    throw new RangeError(
      `CSV has no ${what} column "${name}"; its columns are ${table.header.join(",")}`,
    );
  }
  return index;
}

/** Pick numeric feature columns (and a label column) out of a table; throws naming the cell. */
export function csvColumns(table: CsvTable, options: CsvColumnsOptions): CsvData {
  const { features, label } = options;
  const indices = features.map((name) => columnIndex(table, name, "feature"));
  const labelIndex = label === undefined ? -1 : columnIndex(table, label, "label");
  const nf = features.length;
  const matrix = new Float64Array(table.rows.length * nf);
  const labels: boolean[] | null = label === undefined ? null : [];
  table.rows.forEach((row, r) => {
    for (let f = 0; f < nf; f++) {
      const raw = row[indices[f]].trim();
      const value = raw === "" ? NaN : Number(raw);
      if (!Number.isFinite(value)) {
        throw new TypeError(
          `CSV line ${table.lines[r]}, column "${features[f]}": "${raw}" is not a finite number`,
        );
      }
      matrix[r * nf + f] = value;
    }
    if (labels) {
      const raw = row[labelIndex].trim().toLowerCase();
      if (raw === "1" || raw === "true") labels.push(true);
      else if (raw === "0" || raw === "false") labels.push(false);
      else {
        throw new TypeError(
          `CSV line ${table.lines[r]}, column "${label}": label "${
            row[labelIndex]
          }" must be 0 or 1`,
        );
      }
    }
  });
  return { matrix, labels, rows: table.rows.length };
}
