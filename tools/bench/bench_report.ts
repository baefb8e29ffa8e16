/**
 * Pure helpers of `deno task bench`: parse wrk's output, compute ratios to the
 * echo ceiling, render the results table, the SVG chart and the
 * docs/PERFORMANCE.md section. No I/O here, so all of it is unit-tested.
 */

/** What one wrk run measured. */
export interface WrkResult {
  requestsPerSec: number;
  /** Latency percentiles in milliseconds (wrk --latency). */
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Non-2xx/3xx responses plus socket errors. */
  errors: number;
  /** CPU time the server process spent per request in this run, in µs (from /proc; not wrk's). */
  cpuUsPerRequest?: number;
}

/** One row of the throughput table. */
export interface BenchRow {
  target: string;
  batch: number;
  /** The run with the median requests/s. */
  wrk: WrkResult;
  /** Slowest and fastest requests/s over the repeated runs (absent for a single run). */
  range?: [number, number];
  /** Median over the runs of the server's CPU µs per request, when every run measured it. */
  cpuUsPerRequest?: number;
}

/** Reduce repeated wrk runs of one cell to the median run plus the requests/s range. */
export function medianRow(target: string, batch: number, runs: WrkResult[]): BenchRow {
  if (runs.length === 0) throw new RangeError(`No wrk runs for ${target} batch ${batch}`);
  const sorted = [...runs].sort((a, b) => a.requestsPerSec - b.requestsPerSec);
  const row: BenchRow = { target, batch, wrk: sorted[Math.floor((sorted.length - 1) / 2)] };
  if (runs.length > 1) {
    row.range = [sorted[0].requestsPerSec, sorted[sorted.length - 1].requestsPerSec];
  }
  const cpu = runs.map((r) => r.cpuUsPerRequest).filter((c): c is number => c !== undefined);
  if (cpu.length === runs.length) row.cpuUsPerRequest = median(cpu);
  return row;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The request path's targets (issue 13): share of the echo at batch 1, of the bound at batch 64. */
export const TARGETS = Object.freeze({ batch1: 0.25, batch64: 0.7 });

/** `0.812 (target ≥ 0.7: met)`, or a dash for a missing ratio. */
export function verdict(ratio: number | undefined, target: number): string {
  return ratio === undefined
    ? "—"
    : `${ratio.toFixed(3)} (target ≥ ${target}: ${ratio >= target ? "met" : "not met"})`;
}

/** The Markdown table of both targets, from req/s and from CPU per request. */
export function targetsTable(
  wall: TargetRatios,
  cpu: Omit<TargetRatios, "bound64">,
  scoringSecondsPerRequest64: number,
): string {
  const bound = wall.bound64 === undefined ? "—" : wall.bound64.toFixed(0);
  return [
    "| target (WORKERS=1) | from req/s | from server CPU per request |",
    "| --- | --- | --- |",
    `| batch 1: service / echo | ${verdict(wall.batch1, TARGETS.batch1)} | ${
      verdict(cpu.batch1, TARGETS.batch1)
    } |`,
    `| batch 64: service / bound, bound = 1 / (1/echo + ${
      (scoringSecondsPerRequest64 * 1e6).toFixed(0)
    } µs scoring) = ${bound} req/s | ${verdict(wall.batch64, TARGETS.batch64)} | ${
      verdict(cpu.batch64, TARGETS.batch64)
    } |`,
  ].join("\n");
}

/** The request path's targets (issue 13) as ratios; undefined where a figure is missing. */
export interface TargetRatios {
  /** Service req/s at batch 1 over the echo's: target at least 0.25. */
  batch1?: number;
  /** The most a server that parses like the echo and then scores can do at batch 64: 1 / (1/echo + scoring). */
  bound64?: number;
  /** Service req/s at batch 64 over {@link bound64}: target at least 0.7. */
  batch64?: number;
}

/**
 * The two target ratios from req/s: at batch 1 the service against the echo
 * ceiling; at batch 64 against the bound 1 / (1/echo_rps + scoring seconds
 * per request), i.e. what is left once the unavoidable parse-and-echo and the
 * forest's own scoring are paid.
 */
export function targetRatios(
  rows: BenchRow[],
  ceiling: string,
  service: string,
  scoringSecondsPerRequest64: number,
): TargetRatios {
  const rps = (t: string, b: number) =>
    rows.find((r) => r.target === t && r.batch === b)?.wrk.requestsPerSec;
  const out: TargetRatios = {};
  const e1 = rps(ceiling, 1), s1 = rps(service, 1), e64 = rps(ceiling, 64), s64 = rps(service, 64);
  if (e1 && s1) out.batch1 = s1 / e1;
  if (e64) {
    out.bound64 = 1 / (1 / e64 + scoringSecondsPerRequest64);
    if (s64) out.batch64 = s64 / out.bound64;
  }
  return out;
}

/**
 * The same two ratios from the servers' CPU time per request instead of
 * req/s: load from other processes on a shared machine stretches wall-clock
 * figures unevenly, while the CPU a request costs the server barely moves.
 * Batch 1: echo CPU / service CPU; batch 64: (echo CPU + scoring) / service CPU.
 */
export function cpuTargetRatios(
  rows: BenchRow[],
  ceiling: string,
  service: string,
  scoringSecondsPerRequest64: number,
): Omit<TargetRatios, "bound64"> {
  const cpu = (t: string, b: number) =>
    rows.find((r) => r.target === t && r.batch === b)?.cpuUsPerRequest;
  const out: Omit<TargetRatios, "bound64"> = {};
  const e1 = cpu(ceiling, 1), s1 = cpu(service, 1), e64 = cpu(ceiling, 64), s64 = cpu(service, 64);
  if (e1 && s1) out.batch1 = e1 / s1;
  if (e64 && s64) out.batch64 = (e64 + scoringSecondsPerRequest64 * 1e6) / s64;
  return out;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function durationMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) throw new TypeError(`Unrecognised wrk duration "${text}"`);
  return Number(m[1]) * UNIT_MS[m[2]];
}

/** Parse the text wrk prints with `--latency`; throws TypeError when a figure is missing. */
export function parseWrk(output: string): WrkResult {
  const rps = /Requests\/sec:\s*([\d.]+)/.exec(output);
  const p50 = /^\s*50(?:\.0+)?%\s+(\S+)/m.exec(output);
  const p99 = /^\s*99(?:\.0+)?%\s+(\S+)/m.exec(output);
  const total = /(\d+) requests in/.exec(output);
  if (!rps || !p50 || !p99 || !total) {
    throw new TypeError(`wrk output lacks Requests/sec or the latency distribution:\n${output}`);
  }
  const non2xx = Number(/Non-2xx or 3xx responses:\s*(\d+)/.exec(output)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = sock ? sock.slice(1).reduce((a, n) => a + Number(n), 0) : 0;
  return {
    requestsPerSec: Number(rps[1]),
    p50Ms: durationMs(p50[1]),
    p99Ms: durationMs(p99[1]),
    requests: Number(total[1]),
    errors: non2xx + socketErrors,
  };
}

function fmt(n: number, digits = 1): string {
  return n.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** A Markdown table of throughput and latency, each service row with its ratio to the echo row of the same batch size. */
export function throughputTable(rows: BenchRow[], ceiling: string): string {
  const out = [
    "| target | batch | req/s | req/s range | readings/s | p50 ms | p99 ms | errors | req/s vs echo | p50 vs echo | p99 vs echo |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    const echo = rows.find((e) => e.target === ceiling && e.batch === r.batch);
    const ratio = (a: number, b: number | undefined) =>
      r.target === ceiling || !b ? "—" : `${fmt(a / b, 2)}×`;
    out.push(
      `| ${r.target} | ${r.batch} | ${fmt(r.wrk.requestsPerSec, 0)} | ${
        r.range ? `${fmt(r.range[0], 0)}–${fmt(r.range[1], 0)}` : "—"
      } | ${fmt(r.wrk.requestsPerSec * r.batch, 0)} | ${fmt(r.wrk.p50Ms, 2)} | ${
        fmt(r.wrk.p99Ms, 2)
      } | ${r.wrk.errors} | ${ratio(r.wrk.requestsPerSec, echo?.wrk.requestsPerSec)} | ${
        ratio(r.wrk.p50Ms, echo?.wrk.p50Ms)
      } | ${ratio(r.wrk.p99Ms, echo?.wrk.p99Ms)} |`,
    );
  }
  return out.join("\n");
}

const COLORS = ["#7f7f7f", "#1f77b4", "#d62728", "#2ca02c", "#9467bd"];

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * A hand-written SVG line chart of requests/s against batch size, one line per
 * target (batch sizes evenly spaced, as categories; requests/s on a log scale
 * so the service lines stay readable next to the echo ceiling).
 */
export function throughputSvg(rows: BenchRow[], title: string): string {
  const W = 640, H = 400, L = 70, R = 170, T = 40, B = 50;
  const batches = [...new Set(rows.map((r) => r.batch))].sort((a, b) => a - b);
  const targets = [...new Set(rows.map((r) => r.target))];
  const values = rows.map((r) => Math.max(1, r.wrk.requestsPerSec));
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...values))));
  const x = (i: number) =>
    L + (batches.length === 1 ? 0.5 : i / (batches.length - 1)) * (W - L - R);
  const y = (v: number) => T + (1 - (Math.log10(Math.max(1, v)) - lo) / (hi - lo)) * (H - T - B);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`,
  ];
  for (let e = lo; e <= hi; e++) {
    for (const m of e < hi ? [1, 2, 5] : [1]) {
      const v = m * 10 ** e;
      const py = y(v).toFixed(1);
      parts.push(
        `<line x1="${L}" x2="${W - R}" y1="${py}" y2="${py}" stroke="${
          m === 1 ? "#ccc" : "#eee"
        }"/>`,
      );
      if (m === 1) {
        parts.push(
          `<text x="${L - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v, 0)}</text>`,
        );
      }
    }
  }
  batches.forEach((b, i) => {
    parts.push(
      `<text x="${x(i)}" y="${H - B + 18}" text-anchor="middle">${b}</text>`,
    );
  });
  parts.push(
    `<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#333"/>`,
    `<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#333"/>`,
    `<text x="${(L + W - R) / 2}" y="${
      H - 12
    }" text-anchor="middle">readings per request (batch size)</text>`,
    `<text transform="translate(16 ${
      (T + H - B) / 2
    }) rotate(-90)" text-anchor="middle">requests/s (log scale)</text>`,
  );
  targets.forEach((t, ti) => {
    const color = COLORS[ti % COLORS.length];
    const pts = batches
      .map((b, i) => {
        const r = rows.find((r) => r.target === t && r.batch === b);
        return r ? [x(i), y(r.wrk.requestsPerSec)] : null;
      })
      .filter((p): p is number[] => p !== null);
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${
        pts.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(" ")
      }"/>`,
    );
    for (const [px, py] of pts) {
      parts.push(`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3.5" fill="${color}"/>`);
    }
    const ly = T + 10 + ti * 20;
    parts.push(
      `<line x1="${W - R + 15}" x2="${
        W - R + 35
      }" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${W - R + 40}" y="${ly + 4}">${esc(t)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

/** Markers around the section `deno task bench` owns in docs/PERFORMANCE.md. */
export const SECTION_START = "<!-- bench:service:start (generated by `deno task bench`) -->";
/** End marker of the bench section. */
export const SECTION_END = "<!-- bench:service:end -->";

/** The two HTML comments that delimit a generated section of a Markdown file. */
export interface SectionMarkers {
  start: string;
  end: string;
}

/**
 * Replace the text between `markers` in `doc` with `section`, or append the
 * marked block when the markers are absent, leaving every other section as is.
 */
export function replaceMarked(doc: string, markers: SectionMarkers, section: string): string {
  const block = `${markers.start}\n${section.trim()}\n${markers.end}`;
  const start = doc.indexOf(markers.start);
  const end = doc.indexOf(markers.end);
  if (start >= 0 && end > start) {
    return doc.slice(0, start) + block + doc.slice(end + markers.end.length);
  }
  return `${doc.replace(/\s*$/, "")}\n\n${block}\n`;
}

/**
 * Replace the bench section of PERFORMANCE.md (between the markers), or
 * append it when absent, leaving every other section (UI, Detector, ...) as is.
 */
export function replaceSection(doc: string | null, section: string): string {
  const markers = { start: SECTION_START, end: SECTION_END };
  if (doc === null || doc.trim() === "") {
    return `# Performance\n\n${replaceMarked("", markers, section)}`;
  }
  return replaceMarked(doc, markers, section);
}

/** Write `section` between its markers in a Markdown file, formatted as `deno fmt` wants it. */
export async function writeMarkedSection(
  path: string,
  markers: SectionMarkers,
  section: string,
): Promise<void> {
  await Deno.writeTextFile(path, replaceMarked(await Deno.readTextFile(path), markers, section));
  // `deno task ok` checks Markdown formatting too.
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", path] }).output();
}
