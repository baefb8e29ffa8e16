/**
 * Detection quality of the fleet page's default stream, without a browser:
 * `deno run -A frontend/tests/fleet_quality.ts [seeds] [first seed]`.
 *
 * Trains the model the backend trains on a fresh machine (`DETECTOR=
 * temporal_window`), then for each seed streams what the page streams in two
 * minutes at its defaults (240 requests of 4 readings per meter, with each
 * meter's context) and counts the verdicts as the page does. Prints precision,
 * recall and event recall per seed, their spread, and point-wise recall per
 * event kind (docs/FRONTEND.md, "The fleet view", names the command).
 */
import { print } from "../../lib/logger.ts";
import { trainFleetTemporal } from "../../backend/detector/mod.ts";
import { FLEET_STREAM_DEFAULTS, FleetFeed, MeterContext, toWire } from "../lib/fleet_feed.ts";
import { eventRecall, FleetScorer } from "../lib/fleet_tally.ts";
import { formatRatio, precision, recall } from "../lib/stats.ts";
import { FLEET_DEFAULTS } from "../routes/index.tsx";

const seeds = Number(Deno.args[0] ?? 20);
const first = Number(Deno.args[1] ?? 1000);
/** Requests in two minutes at the default interval. */
const REQUESTS = 120_000 / FLEET_DEFAULTS.requestMs;

const model = trainFleetTemporal({ seed: 42, source: "fleet_quality" });
const byKind = new Map<string, { flagged: number; labelled: number }>();
const figures = { precision: [] as number[], recall: [] as number[], events: [] as number[] };
for (let seed = first; seed < first + seeds; seed++) {
  const feed = new FleetFeed({ seed, ...FLEET_STREAM_DEFAULTS });
  const context = new MeterContext(model.window - 1);
  const scorer = new FleetScorer();
  for (let k = 0; k < REQUESTS; k++) {
    const batch = feed.next(FLEET_DEFAULTS.perMeter);
    const verdicts = model.predict(batch.map(toWire), { context: context.context().map(toWire) });
    context.push(batch);
    batch.forEach((r, i) => {
      const flagged = verdicts[i].anomaly;
      scorer.add(r, flagged);
      if (!r.anomaly || r.kind === null) return;
      const k = byKind.get(r.kind) ?? { flagged: 0, labelled: 0 };
      k.labelled++;
      if (flagged) k.flagged++;
      byKind.set(r.kind, k);
    });
  }
  const t = scorer.tally();
  const [p, r, e] = [precision(t.confusion)!, recall(t.confusion)!, eventRecall(t.events) ?? 1];
  figures.precision.push(p);
  figures.recall.push(r);
  figures.events.push(e);
  print(
    `seed ${seed}: precision ${formatRatio(p)}, recall ${formatRatio(r)}, event recall ` +
      `${formatRatio(e)} (${t.events.detected} of ${t.events.ended})`,
  );
}
for (const [name, values] of Object.entries(figures)) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const atBar = values.filter((v) => v >= 0.85).length;
  print(
    `${name}: mean ${formatRatio(mean)}, min ${formatRatio(Math.min(...values))}, max ` +
      `${formatRatio(Math.max(...values))}, at least 85 % on ${atBar} of ${values.length} seeds`,
  );
}
print("point-wise recall per event kind:");
for (const [kind, k] of [...byKind].sort(([a], [b]) => a.localeCompare(b))) {
  print(`  ${kind}: ${formatRatio(k.flagged / k.labelled)} of ${k.labelled} readings`);
}
