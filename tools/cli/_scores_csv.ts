/** The per-row scores export (`--scores FILE`): one CSV row per input row. */
import type { ScoredFile } from "./_byod.ts";

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV row per input row: where it is, its split, score, flags and label. */
export function scoresCsv(files: readonly ScoredFile[], threshold: number): string {
  const hasMeter = files.some((f) => f.ds.data.meters !== null);
  const hasTime = files.some((f) => f.ds.data.timeText !== null);
  const header = [
    "file",
    "row",
    "line",
    ...(hasMeter ? ["meter"] : []),
    ...(hasTime ? ["time"] : []),
    "split",
    "score",
    "threshold",
    "model_flag",
    "grid_flag",
    "range_flag",
    "label",
  ];
  const out = [header.join(",")];
  for (const f of files) {
    const test = new Set(f.split.test);
    const fit = new Set(f.split.fit);
    const { labels, meters, timeText, lines } = f.ds.data;
    for (let r = 0; r < f.ds.data.rows; r++) {
      const split = test.has(r) ? "test" : fit.has(r) ? "train" : "train_excluded";
      out.push([
        csvCell(f.ds.path),
        `${r}`,
        `${lines[r]}`,
        ...(hasMeter ? [csvCell(meters?.[r] ?? "")] : []),
        ...(hasTime ? [csvCell(timeText?.[r] ?? "")] : []),
        split,
        `${f.scores[r]}`,
        `${threshold}`,
        f.scores[r] >= threshold ? "1" : "0",
        f.grid[r] ? "1" : "0",
        f.range[r] ? "1" : "0",
        labels ? (labels[r] ? "1" : "0") : "",
      ].join(","));
    }
  }
  return `${out.join("\n")}\n`;
}
