/**
 * HPA scale-out and scale-in under k6 load from the host against the backend
 * Service's ClusterIP (`loadtest/k6/hpa.ts`, a new connection per request, so
 * kube-proxy spreads requests over every ready pod). Samples the Deployment
 * and the HPA every 2 s from before the load until the HPA is back at its
 * minimum, and keeps the timeline for the chart.
 *
 * Overlay: `E2E_HPA_OVERLAY`, default k8s/e2e/overlays/hpa (dev's scale-out
 * unchanged; a 30 s scale-down window and no per-minute cap, so scale-in fits
 * in the run); `E2E_HPA_OVERLAY=k8s/overlays/dev` measures the shipped
 * scale-in (about 4 minutes from 5 pods).
 * Load: `E2E_HPA_RATE` requests/s (default 150) of `E2E_HPA_BATCH` readings
 * (default 1024) for `E2E_HPA_DURATION` s (default 120), 150 VUs allocated up
 * front. Measured here, a request costs the backend about 0.8 ms of CPU plus
 * 2.8 µs per reading: the guide's 150 × 64 needs about 0.15 CPU and the HPA
 * stops at 2 pods; 150 × 1024 needs about 0.55 CPU, 4.6 times the target of
 * 60 % × 200m, so it asks for its maximum of 5. Fewer, bigger requests keep
 * the load generator (on the same two cores) from becoming the bottleneck.
 */
import assert from "node:assert/strict";
import { log, waitFor } from "../cluster.ts";
import { startK6 } from "../k6.ts";
import {
  applyOverlay,
  BACKEND,
  guideCommand,
  hpaState,
  podCpu,
  type PodInfo,
  pods,
  ScaleSampler,
  serviceUrls,
  waitRollouts,
} from "../kube.ts";
import { LIVE_GUIDE_COMMANDS as GUIDE } from "../guide_live.ts";
import { envInt, type Scenario } from "../scenario.ts";
import { scaleFigures } from "../timeline.ts";

/** Median of a non-empty list. */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The autoscaling scenario. */
export const hpa: Scenario = {
  name: "hpa",
  description: "HPA scales out under k6 load through the ClusterIP and back in after it",
  async run(ctx) {
    const fig = ctx.section("hpa");
    const load = ctx.section("load");
    const rate = envInt("E2E_HPA_RATE", 150);
    const batchSize = envInt("E2E_HPA_BATCH", 1024);
    const durationS = envInt("E2E_HPA_DURATION", 120);
    const windowS = 5;

    const overlay = Deno.env.get("E2E_HPA_OVERLAY") || "k8s/e2e/overlays/hpa";
    await applyOverlay(overlay);
    await waitRollouts();
    const start = await waitFor("the HPA at its minimum with a CPU reading", 180, async () => {
      const [state, backend] = await Promise.all([hpaState(), pods(BACKEND)]);
      const ready = backend.filter((p) => p.ready && !p.deleting).length;
      return state.cpu !== null && ready === state.min ? state : null;
    }, 3000);
    fig.overlay = overlay;
    fig.target_cpu_pct = 60;
    fig.max_allowed = start.max;
    // The guide's command for the address kube-proxy balances (what k6 targets here).
    const ip = (await guideCommand(ctx.report, GUIDE.clusterIp)).trim();
    assert.match(ip, /^10\.96\.\d+\.\d+$/, `a ClusterIP in the service range, got "${ip}"`);
    const urls = await serviceUrls();
    assert.equal(urls.backend, `http://${ip}:8000`);

    const sampler = new ScaleSampler();
    await new Promise((r) => setTimeout(r, 6000));
    const k6 = await startK6({
      baseUrl: urls.backend,
      rate,
      durationS,
      windowS,
      batchSize,
      vus: 250,
    });

    // Near the end of the load: is the CPU spread over every ready pod?
    let atPeak: PodInfo[] = [];
    let cpuAtPeak = new Map<string, number>();
    const peak = (async () => {
      await new Promise((r) => setTimeout(r, Math.max(0, (durationS - 20) * 1000)));
      atPeak = (await pods(BACKEND)).filter((p) => p.ready && !p.deleting);
      cpuAtPeak = await podCpu();
    })();
    const result = await k6.done;
    await peak;
    // Time 0 is when the arrivals started (after k6 generated its bodies); they end on schedule.
    sampler.shift(result.loadStartMs);
    const loadEndS = durationS;
    log(`load finished after ${loadEndS} s; waiting for scale-in`);

    await waitFor("the HPA back at its minimum", 420, () => {
      const recent = sampler.samples.slice(-2);
      return Promise.resolve(
        recent.length === 2 && recent.every((s) => s.t > loadEndS) &&
          recent.every((s) => s.spec === start.min && s.ready === start.min),
      );
    }, 2000);
    const samples = await sampler.stop();

    const figures = scaleFigures(samples, start.min, loadEndS);
    Object.assign(fig, figures);
    const startToReady = atPeak
      .filter((p) => p.startedAt && p.readyAt)
      .map((p) => (Date.parse(p.readyAt!) - Date.parse(p.startedAt!)) / 1000)
      .filter((s) => s > 0);
    fig.pod_start_to_ready_s = median(startToReady);
    fig.cpu_at_peak_m = Object.fromEntries(atPeak.map((p) => [p.name, cpuAtPeak.get(p.name)]));
    Object.assign(load, {
      tool: "k6 loadtest/k6/hpa.ts via the Service ClusterIP, NO_KEEPALIVE=1",
      rate,
      duration_s: durationS,
      batch_size: batchSize,
      ...result.totals,
      k6_exit: result.code,
    });
    ctx.report.timeline = {
      window_s: windowS,
      load_end_s: loadEndS,
      samples,
      windows: result.windows,
    };

    assert.ok(figures.max_replicas >= 3, `scaled out to ${figures.max_replicas} (want >= 3)`);
    assert.notEqual(figures.scale_out_s, null, "the HPA asked for more pods");
    assert.notEqual(figures.scale_in_s, null, "the HPA came back to its minimum");
    assert.ok(
      result.totals.failed <= Math.ceil(result.totals.ok * 0.01),
      `failed ${result.totals.failed} of ${result.totals.ok + result.totals.failed} requests`,
    );
    // kube-proxy spread: every pod ready near the end of the load was busy.
    for (const p of atPeak) {
      const cpu = cpuAtPeak.get(p.name);
      if (cpu === undefined) continue; // too new for metrics-server
      assert.ok(cpu >= 20, `pod ${p.name} used only ${cpu}m CPU: the load did not reach it`);
    }
  },
};
