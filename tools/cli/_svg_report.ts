/**
 * The evaluation picture: per file, the score over the rows with labeled
 * anomalies shaded, the threshold and the train/test boundary; then the
 * precision-recall curve of the evaluated rows with the operating point. One
 * self-contained SVG, no scripts, readable in any browser.
 */
import type { PrPoint } from "../../backend/detector/mod.ts";

/** One file's panel. */
export interface SvgPanel {
  name: string;
  /** Score of every row. */
  scores: ArrayLike<number>;
  labels: readonly boolean[] | null;
  /** Rows before the train/test boundary (0 for none). */
  trainRows: number;
}

/** Everything {@link renderSvgReport} draws. */
export interface SvgReport {
  title: string;
  threshold: number;
  panels: readonly SvgPanel[];
  /** The precision-recall curve of the evaluated rows, highest threshold first. */
  pr: readonly PrPoint[];
  /** Precision and recall at the threshold. */
  operating: { precision: number; recall: number } | null;
}

/** Files drawn at most; the rest are named in a note. */
export const MAX_PANELS = 8;
const WIDTH = 960;
const PANEL = 150;
const LEFT = 60;
const RIGHT = 20;
const BUCKETS = 900;

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(
    /"/g,
    "&quot;",
  );
}

function n(value: number): string {
  return Number(value.toFixed(1)).toString();
}

function panel(p: SvgPanel, threshold: number, top: number): string {
  const rows = p.scores.length;
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = PANEL - 40;
  const y0 = top + 25;
  const buckets = Math.max(1, Math.min(BUCKETS, rows));
  const per = rows / buckets;
  const peak = new Array<number>(buckets).fill(-Infinity);
  const labeled = new Array<boolean>(buckets).fill(false);
  for (let r = 0; r < rows; r++) {
    const b = Math.min(buckets - 1, Math.floor(r / per));
    // The largest score of a bucket, so an alarm never disappears when rows are merged.
    if (p.scores[r] > peak[b]) peak[b] = p.scores[r];
    if (p.labels?.[r]) labeled[b] = true;
  }
  let max = threshold;
  for (const v of peak) if (Number.isFinite(v) && v > max) max = v;
  // Huge scores would flatten everything else: clip the axis at four times the threshold.
  const top4 = threshold > 0 ? Math.min(max, 4 * threshold) : max;
  const yMax = top4 > 0 ? top4 * 1.05 : 1;
  const x = (b: number) => LEFT + (b / buckets) * plotW;
  const y = (v: number) => y0 + plotH - (Math.min(v, yMax) / yMax) * plotH;
  const parts: string[] = [];
  parts.push(
    `<text x="${LEFT}" y="${top + 15}" class="title">${esc(p.name)} (${rows} rows)</text>`,
  );
  parts.push(
    `<rect x="${LEFT}" y="${y0}" width="${plotW}" height="${plotH}" class="frame"/>`,
  );
  for (let b = 0; b < buckets;) {
    if (!labeled[b]) {
      b++;
      continue;
    }
    let e = b;
    while (e < buckets && labeled[e]) e++;
    parts.push(
      `<rect x="${n(x(b))}" y="${y0}" width="${
        n(Math.max(1, x(e) - x(b)))
      }" height="${plotH}" class="label"/>`,
    );
    b = e;
  }
  const points = peak.map((v, b) => `${n(x(b + 0.5))},${n(y(Number.isFinite(v) ? v : 0))}`);
  parts.push(`<polyline points="${points.join(" ")}" class="score"/>`);
  parts.push(
    `<line x1="${LEFT}" x2="${LEFT + plotW}" y1="${n(y(threshold))}" y2="${
      n(y(threshold))
    }" class="threshold"/>`,
  );
  if (p.trainRows > 0 && p.trainRows < rows) {
    const xs = n(LEFT + (p.trainRows / rows) * plotW);
    parts.push(`<line x1="${xs}" x2="${xs}" y1="${y0}" y2="${y0 + plotH}" class="split"/>`);
    const at = LEFT + (p.trainRows / rows) * plotW;
    parts.push(`<text x="${n(at - 4)}" y="${y0 + 12}" class="note" text-anchor="end">train</text>`);
    parts.push(`<text x="${n(at + 4)}" y="${y0 + 12}" class="note">test</text>`);
  }
  parts.push(
    `<text x="${LEFT - 6}" y="${y0 + 4}" class="axis" text-anchor="end">${n(yMax)}</text>`,
  );
  parts.push(
    `<text x="${LEFT - 6}" y="${y0 + plotH}" class="axis" text-anchor="end">0</text>`,
  );
  parts.push(
    `<text x="${LEFT + plotW}" y="${
      y0 + plotH + 14
    }" class="axis" text-anchor="end">row ${rows}</text>`,
  );
  return parts.join("\n");
}

function prPanel(report: SvgReport, top: number): string {
  const size = 260;
  const x0 = LEFT;
  const y0 = top + 25;
  const x = (recall: number) => x0 + recall * size;
  const y = (precision: number) => y0 + size - precision * size;
  const parts = [
    `<text x="${x0}" y="${top + 15}" class="title">Precision-recall curve (evaluated rows)</text>`,
    `<rect x="${x0}" y="${y0}" width="${size}" height="${size}" class="frame"/>`,
  ];
  if (report.pr.length > 0) {
    // Start at recall 0 with the first point's precision, as a step curve would.
    const pts = [`${n(x(0))},${n(y(report.pr[0].precision))}`];
    for (const p of report.pr) pts.push(`${n(x(p.recall))},${n(y(p.precision))}`);
    parts.push(`<polyline points="${pts.join(" ")}" class="pr"/>`);
  } else {
    parts.push(
      `<text x="${x0 + 10}" y="${
        y0 + 20
      }" class="note">no labeled anomalies to draw a curve</text>`,
    );
  }
  if (report.operating) {
    const { precision, recall } = report.operating;
    parts.push(
      `<circle cx="${n(x(recall))}" cy="${
        n(y(precision))
      }" r="5" class="operating"><title>threshold: precision ${precision.toFixed(3)}, recall ${
        recall.toFixed(3)
      }</title></circle>`,
    );
  }
  parts.push(
    `<text x="${x0 + size / 2}" y="${
      y0 + size + 16
    }" class="axis" text-anchor="middle">recall</text>`,
  );
  parts.push(
    `<text x="${x0 - 8}" y="${y0 + size / 2}" class="axis" text-anchor="end">precision</text>`,
  );
  return parts.join("\n");
}

/** The report as SVG text. */
export function renderSvgReport(report: SvgReport): string {
  const shown = report.panels.slice(0, MAX_PANELS);
  const prTop = 40 + shown.length * PANEL + (report.panels.length > MAX_PANELS ? 20 : 0);
  const height = prTop + 320;
  const body = [
    `<text x="${LEFT}" y="24" class="heading">${esc(report.title)}</text>`,
    ...shown.map((p, i) => panel(p, report.threshold, 40 + i * PANEL)),
  ];
  if (report.panels.length > MAX_PANELS) {
    body.push(
      `<text x="${LEFT}" y="${prTop - 6}" class="note">${
        report.panels.length - MAX_PANELS
      } more files not drawn (see --scores for every row)</text>`,
    );
  }
  body.push(prPanel(report, prTop));
  body.push(
    `<text x="${LEFT + 300}" y="${
      prTop + 60
    }" class="note">blue: score (highest per pixel); red band: labeled anomaly;</text>`,
    `<text x="${LEFT + 300}" y="${prTop + 76}" class="note">dashed: threshold ${
      Number(report.threshold.toPrecision(4))
    }; grey line: train | test boundary</text>`,
  );
  const style = [
    ".heading{font:bold 16px sans-serif}",
    ".title{font:bold 12px sans-serif}",
    ".note,.axis{font:11px sans-serif;fill:#444}",
    ".frame{fill:none;stroke:#bbb}",
    ".label{fill:#e53935;fill-opacity:0.18}",
    ".score{fill:none;stroke:#1e63b5;stroke-width:1}",
    ".threshold{stroke:#e53935;stroke-dasharray:5 4}",
    ".split{stroke:#888}",
    ".pr{fill:none;stroke:#1e63b5;stroke-width:1.5}",
    ".operating{fill:#e53935}",
  ].join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" ` +
    `viewBox="0 0 ${WIDTH} ${height}" role="img"><title>${esc(report.title)}</title>` +
    `<style>${style}</style>\n<rect width="100%" height="100%" fill="#fff"/>\n${
      body.join("\n")
    }\n</svg>\n`;
}
