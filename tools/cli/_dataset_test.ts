import assert from "node:assert/strict";
import { expandPaths, loadDataFlagFiles, pickRows, splitRows, streamKeys } from "./_dataset.ts";
import { withTempDir } from "./_testing.ts";

const ds = {
  path: "x.csv",
  sha256: "",
  data: {
    matrix: new Float64Array([1, 2, 3, 4, 5, 6]),
    labels: [false, true, false, false, true, false],
    meters: null,
    times: null,
    timeText: null,
    rows: 6,
    lines: [2, 3, 4, 5, 6, 7],
  },
};

Deno.test("splitRows() fits on the first N normal rows and evaluates the rest", () => {
  assert.deepEqual(splitRows(ds, 3), { trainRows: 3, fit: [0, 2], test: [3, 4, 5] });
  assert.deepEqual(splitRows(ds, null), {
    trainRows: 6,
    fit: [0, 2, 3, 5],
    test: [0, 1, 2, 3, 4, 5],
  });
  assert.throws(
    () => splitRows(ds, 6),
    /--train-rows 6 leaves no rows to evaluate in x.csv \(6 rows\)/,
  );
});

Deno.test("streamKeys() and pickRows() give streams and rows", () => {
  assert.deepEqual(streamKeys(ds), new Array(6).fill("x.csv"));
  assert.deepEqual([...pickRows(new Float64Array([1, 2, 3, 4, 5, 6]), 2, [2, 0])], [5, 6, 1, 2]);
});

Deno.test("expandPaths() reads a folder as its .csv files in name order", async () => {
  await withTempDir(async (dir) => {
    for (const name of ["b.csv", "a.CSV", "notes.txt"]) {
      await Deno.writeTextFile(`${dir}/${name}`, "x\n");
    }
    await Deno.mkdir(`${dir}/sub.csv`);
    assert.deepEqual(await expandPaths([dir, "other.csv"]), [
      `${dir}/a.CSV`,
      `${dir}/b.csv`,
      "other.csv",
    ]);
    await Deno.mkdir(`${dir}/empty`);
    await assert.rejects(expandPaths([`${dir}/empty`]), /Folder ".*empty" holds no .csv files/);
  });
});

Deno.test("loadDataFlagFiles() reads the features and the label, meter and time columns named", async () => {
  await withTempDir(async (dir) => {
    const csv = "t,m,a,b,y\n1,x,1.5,2,0\n2,x,3,4,1\n";
    await Deno.writeTextFile(`${dir}/d.csv`, csv);
    const data = { paths: [`${dir}/d.csv`], features: null, trainRows: null, targetFar: null };
    const flags = { ...data, json: false, label: "y", meter: "m", time: "t" };
    const [full] = await loadDataFlagFiles(flags, ["b", "a"]);
    assert.deepEqual([...full.data.matrix], [2, 1.5, 4, 3]);
    assert.deepEqual(full.data.labels, [false, true]);
    assert.deepEqual(full.data.meters, ["x", "x"]);
    assert.deepEqual(full.data.times, [1, 2]);
    const [bare] = await loadDataFlagFiles({ ...data, json: false }, ["a"]);
    assert.equal(bare.data.labels, null);
    assert.equal(bare.data.meters, null);
    assert.equal(bare.data.times, null);
  });
});
