import assert from "node:assert/strict";
import { csvColumns, parseCsv } from "./_csv.ts";

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
    message: "CSV line 2 has 3 fields, the header has 2",
  });
  assert.throws(() => parseCsv('a,b\n1,"2\n'), {
    message: "CSV line 2: a quoted field is never closed",
  });
  assert.throws(() => parseCsv("a,a\n"), { message: 'CSV header repeats the column "a"' });
  assert.throws(() => parseCsv("a,\n1,2\n"), { message: "CSV header has an empty column name" });
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
    message: 'CSV line 2, column "y": label "yes" must be 0 or 1',
  });
  assert.throws(() => csvColumns(labels, { features: ["v"], label: "z" }), /no label column "z"/);
});
