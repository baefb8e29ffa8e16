import assert from "node:assert/strict";
import { csvColumns, parseCsv, parseLabel } from "./_csv.ts";

Deno.test("parseCsv() reads a header, quotes, CRLF, a BOM and skips blank lines", () => {
  const table = parseCsv('\ufeffa,"b ""x""",c\r\n1,"2,5",3\r\n\r\n4,5,"6\n7"\n');
  assert.deepEqual(table.header, ["a", 'b "x"', "c"]);
  assert.deepEqual(table.rows, [["1", "2,5", "3"], ["4", "5", "6\n7"]]);
  assert.deepEqual(table.lines, [2, 4]);
});

Deno.test("parseCsv() rejects malformed files naming the line", () => {
  assert.throws(() => parseCsv(""), { message: "CSV file is empty: a header row is required" });
  assert.throws(() => parseCsv("a,b\n1,2,3\n"), {
    name: "TypeError",
    message: "CSV line 2 has 3 fields, the header has 2 (fields separated by comma)",
  });
  assert.throws(() => parseCsv('a,b\n1,"2\n'), {
    message: "CSV line 2: a quoted field is never closed",
  });
  assert.throws(() => parseCsv("a,a\n1,2\n"), { message: 'CSV header repeats the column "a"' });
  // Unnamed columns are ignored: pandas' index column first, a trailing separator last.
  const pandas = parseCsv(",voltage,y,\n0,230.5,0,\n1,231,1,\n");
  assert.deepEqual(pandas.header, ["", "voltage", "y", ""]);
  assert.deepEqual(
    [...csvColumns(pandas, { features: ["voltage"], label: "y" }).matrix],
    [230.5, 231],
  );
  assert.throws(() => parseCsv('a\nx"y"\n'), /a quote may only start a field/);
});

Deno.test("csvColumns() picks features in the requested order with labels", () => {
  const table = parseCsv("label,v,i\n0,230,10\n1,275,28\ntrue,1,2\n");
  const data = csvColumns(table, { features: ["i", "v"], label: "label" });
  assert.deepEqual([...data.matrix], [10, 230, 28, 275, 2, 1]);
  assert.deepEqual(data.labels, [false, true, true]);
  assert.equal(data.rows, 3);
  assert.equal(csvColumns(table, { features: ["v"] }).labels, null);
});

Deno.test("csvColumns() names the missing column, bad cell or bad label", () => {
  const table = parseCsv("v,i,y\n230,10,0\n231,abc,0\n");
  assert.throws(() => csvColumns(table, { features: ["voltage"] }), {
    name: "RangeError",
    message: 'CSV has no feature column "voltage"; its columns are v,i,y',
  });
  assert.throws(() => csvColumns(table, { features: ["v", "i"] }), {
    message: 'CSV line 3, column "i": "abc" is not a finite number',
  });
  const labels = parseCsv("v,y\n1,yes\n");
  assert.throws(() => csvColumns(labels, { features: ["v"], label: "y" }), {
    message: 'CSV line 2, column "y": label "yes" must be 0 or 1 (also 0.0/1.0 or true/false)',
  });
  assert.throws(() => csvColumns(labels, { features: ["v"], label: "z" }), /no label column "z"/);
});

Deno.test("csvColumns() accepts labels written 0.0/1.0 and True/False", () => {
  const table = parseCsv("v,y\n1,0.0\n2,1.0\n3,True\n4,false\n5, 1 \n");
  assert.deepEqual(csvColumns(table, { features: ["v"], label: "y" }).labels, [
    false,
    true,
    true,
    false,
    true,
  ]);
  assert.equal(parseLabel("2"), null);
  assert.equal(parseLabel(""), null);
});

Deno.test("csvColumns() reads meter and time columns and rejects time going backwards", () => {
  const table = parseCsv(
    "t,m,v\n2026-01-01T00:00:00Z,a,1\n2026-01-01T00:00:00Z,b,2\n2026-01-01T00:00:10Z,a,3\n",
  );
  const data = csvColumns(table, { features: ["v"], meter: "m", time: "t" });
  assert.deepEqual(data.meters, ["a", "b", "a"]);
  assert.deepEqual(data.times, [1767225600000, 1767225600000, 1767225610000]);
  assert.deepEqual(
    csvColumns(parseCsv("t,v\n1.5,1\n2,1\n"), { features: ["v"], time: "t" }).times,
    [
      1.5,
      2,
    ],
  );
  assert.throws(() =>
    csvColumns(parseCsv("t,m,v\n5,a,1\n6,b,1\n4,a,1\n"), {
      features: ["v"],
      meter: "m",
      time: "t",
    }), {
    name: "RangeError",
    message: 'CSV line 4, column "t": time goes backwards for meter "a" (line 2 is later); ' +
      "sort the file by time",
  });
  assert.throws(
    () => csvColumns(parseCsv("t,v\nyesterday,1\n"), { features: ["v"], time: "t" }),
    /"yesterday" is neither a number nor a timestamp \(expected RFC 3339 date-time/,
  );
  // The service's rule (lib/timestamp.ts): no rolling 30 February into March, no local times.
  assert.throws(
    () => csvColumns(parseCsv("t,v\n2026-02-30T00:00:00Z,1\n"), { features: ["v"], time: "t" }),
    /CSV line 2, column "t": "2026-02-30T00:00:00Z" is neither a number nor a timestamp \(February 2026 has 28 days/,
  );
  assert.throws(
    () => csvColumns(parseCsv("t,v\n2026-01-01T00:00:00,1\n"), { features: ["v"], time: "t" }),
    /no UTC offset.*--time-offset Z/,
  );
  assert.throws(
    () => csvColumns(parseCsv("t,v\n2026-01-01 00:00:00,1\n"), { features: ["v"], time: "t" }),
    /no UTC offset.*--time-offset Z/,
  );
});

Deno.test("csvColumns() reads a space for T, and times without an offset at --time-offset", () => {
  const times = (csv: string, timeOffset?: string) =>
    csvColumns(parseCsv(csv), { features: ["v"], time: "t", ...(timeOffset ? { timeOffset } : {}) })
      .times;
  // RFC 3339 (5.6) lets data files put a space between date and time.
  assert.deepEqual(times("t,v\n2026-01-01 00:00:10Z,1\n"), [Date.UTC(2026, 0, 1, 0, 0, 10)]);
  // A public data set's local times (NAB, SKAB: no offset) at the offset the user names.
  const local = "t,v\n2014-04-01 00:00:00,1\n2014-04-01T00:05,2\n2014-04-01 00:10:00.5,3\n";
  assert.deepEqual(times(local, "Z"), [
    Date.UTC(2014, 3, 1),
    Date.UTC(2014, 3, 1, 0, 5),
    Date.UTC(2014, 3, 1, 0, 10, 0, 500),
  ]);
  assert.deepEqual(times(local, "+02:00")![0], Date.UTC(2014, 3, 1) - 2 * 3_600_000);
  // A cell's own offset wins over the flag's; the calendar still holds.
  assert.deepEqual(times("t,v\n2014-04-01T00:00:00-01:00,1\n", "Z"), [Date.UTC(2014, 3, 1, 1)]);
  assert.throws(() => times("t,v\n2014-02-30 00:00:00,1\n", "Z"), /February 2014 has 28 days/);
  // Numbers and timestamps do not compare: a column holds one kind.
  assert.throws(() => times("t,v\n5,1\n2014-04-01 00:00:00,1\n", "Z"), {
    message: 'CSV line 3, column "t": "2014-04-01 00:00:00" is a timestamp, but line 2\'s "5" is ' +
      "a number; a time column holds one kind",
  });
});

Deno.test("parseCsv() detects a semicolon or tab separator and reads decimal commas", () => {
  const semi = parseCsv('v;i;y\n"230,5";10,25;0\n231;9,75;1\n');
  assert.equal(semi.separator, ";");
  const data = csvColumns(semi, { features: ["v", "i"], label: "y" });
  assert.deepEqual([...data.matrix], [230.5, 10.25, 231, 9.75]);
  const tab = parseCsv("v\ti\n230.5\t10\n");
  assert.equal(tab.separator, "\t");
  assert.deepEqual(tab.rows, [["230.5", "10"]]);
  // With commas as separators a decimal comma is not read.
  assert.equal(parseCsv("v,i\n1,2\n").separator, ",");
});

Deno.test("parseCsv() names the separator when the field counts disagree", () => {
  assert.throws(() => parseCsv("a;b;c\n1;2\n"), {
    message: "CSV line 2 has 2 fields, the header has 3 (fields separated by semicolon)",
  });
  const piped = parseCsv("v|i\n1|2\n");
  assert.throws(() => csvColumns(piped, { features: ["v"] }), {
    message: 'CSV has no feature column "v"; its columns are v|i (one column: fields must be ' +
      "separated by a comma, semicolon or tab)",
  });
});

Deno.test("parseCsv() and csvColumns() name a header-only file, empty cells and NaN", () => {
  assert.throws(() => parseCsv("v,i\n"), {
    name: "TypeError",
    message: "CSV file has a header row but no data rows",
  });
  const table = parseCsv("v,i\n230,\n231,NaN\n");
  assert.throws(() => csvColumns(table, { features: ["v", "i"] }), {
    message: 'CSV line 2, column "i": the cell is empty (a missing value); fill it in or drop ' +
      "the row",
  });
  assert.throws(() => csvColumns(parseCsv("v,i\n231,NaN\n"), { features: ["v", "i"] }), {
    message: 'CSV line 2, column "i": "NaN" is not a finite number',
  });
});
