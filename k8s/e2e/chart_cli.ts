/**
 * `deno task k8s:chart [REPORT] [SVG]`: the HPA chart from an e2e report
 * (default .tmp/k8s-e2e.json → docs/images/k8s-hpa.svg), so the chart in the
 * docs is regenerated from measured data, never drawn by hand.
 */
import { print } from "../../backend/logger.ts";
import { renderChart } from "./chart.ts";
import { chartTitle } from "./main.ts";
import type { E2eReport } from "./report.ts";

const [reportPath = ".tmp/k8s-e2e.json", svgPath = "docs/images/k8s-hpa.svg"] = Deno.args;
const report = JSON.parse(await Deno.readTextFile(reportPath)) as E2eReport;
if (!report.timeline) {
  throw new Error(`Report ${reportPath} has no timeline: did the hpa scenario run?`);
}
const hpa = (report.hpa ?? {}) as Record<string, unknown>;
await Deno.writeTextFile(
  svgPath,
  renderChart({
    title: chartTitle(report),
    samples: report.timeline.samples,
    windows: report.timeline.windows,
    loadEndS: report.timeline.load_end_s,
    maxReplicas: Number(hpa.max_allowed ?? 5),
  }),
);
print(`wrote ${svgPath} from ${reportPath} (${report.started_at})`);
