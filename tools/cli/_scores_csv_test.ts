import assert from "node:assert/strict";
import { scoresCsv } from "./_scores_csv.ts";

Deno.test("scoresCsv() writes one row per input row with its split, flags and label", () => {
  const file = {
    ds: {
      path: "a,b.csv",
      sha256: "",
      data: {
        matrix: new Float64Array(3),
        labels: [false, true, false],
        meters: ['m"1', "m2", 'm"1'],
        times: null,
        timeText: null,
        rows: 3,
        lines: [2, 3, 5],
      },
    },
    split: { trainRows: 1, fit: [0], test: [1, 2] },
    scores: new Float64Array([0.2, 0.9, 0.4]),
    grid: [false, false, true],
    range: [false, true, false],
    keys: ['m"1', "m2", 'm"1'],
  };
  assert.equal(
    scoresCsv([file], 0.5),
    [
      "file,row,line,meter,split,score,threshold,model_flag,grid_flag,range_flag,label",
      '"a,b.csv",0,2,"m""1",train,0.2,0.5,0,0,0,0',
      '"a,b.csv",1,3,m2,test,0.9,0.5,1,0,1,1',
      '"a,b.csv",2,5,"m""1",test,0.4,0.5,0,1,0,0',
      "",
    ].join("\n"),
  );
});
