/**
 * `dev`: the workshop tier applied unchanged with the guide's own commands;
 * every pod Ready, `/ready` 200 through the backend Service, a prediction
 * through the UI's proxy to the backend Service, and pod CPU from
 * metrics-server (what the HPA scales on).
 */
import assert from "node:assert/strict";
import { waitFor } from "../cluster.ts";
import { BACKEND, guideCommand, http, podCpu, pods, serviceUrls, UI, waitHttpOk } from "../kube.ts";
import { LIVE_GUIDE_COMMANDS as GUIDE } from "../guide_live.ts";
import { type Scenario, since } from "../scenario.ts";

const READINGS = {
  readings: [
    { voltage: 230.1, current: 10.2, frequency: 50.01 },
    { voltage: 275, current: 28, frequency: 50.7 },
  ],
};

/** The dev tier, end to end. */
export const dev: Scenario = {
  name: "dev",
  description: "dev overlay: pods Ready, /ready via Service, UI proxy predicts, pod CPU reported",
  async run(ctx) {
    const fig = ctx.section("dev");
    const t0 = performance.now();
    await guideCommand(ctx.report, GUIDE.applyDev);
    await guideCommand(ctx.report, GUIDE.rolloutStatus, {
      timeoutS: 240,
    });
    await waitFor("the UI pod to be Ready", 120, async () => {
      const ui = await pods(UI);
      return ui.length > 0 && ui.every((p) => p.ready);
    });
    fig.ready_after_apply_s = since(t0);
    const listing = await guideCommand(ctx.report, GUIDE.getPods);
    assert.match(listing, /anomaly-backend-\S+\s+1\/1\s+Running/);
    assert.match(listing, /anomaly-ui-\S+\s+1\/1\s+Running/);
    const all = [...await pods(BACKEND), ...await pods(UI)];
    assert.equal(all.length, 2, `expected one backend and one UI pod, got ${all.length}`);
    assert.ok(all.every((p) => p.ready), "every pod is Ready");

    const urls = await serviceUrls();
    fig.backend_cluster_ip = urls.backend;
    await waitHttpOk(`${urls.backend}/ready`, 30);
    const ready = await http(`${urls.backend}/ready`);
    assert.equal(ready.status, 200);
    assert.equal(ready.body.ready, true);

    // The UI's /api/* proxy reaches the backend through BACKEND_URL=http://anomaly-backend:8000
    // (the Service name, resolved by CoreDNS).
    await waitHttpOk(`${urls.ui}/health`, 30);
    const predicted = await http(`${urls.ui}/api/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(READINGS),
    });
    assert.equal(predicted.status, 200, JSON.stringify(predicted.body));
    assert.deepEqual(
      predicted.body.predictions.map((p: { anomaly: boolean }) => p.anomaly),
      [false, true],
    );
    const backendPod = (await pods(BACKEND))[0].name;
    assert.match(predicted.body.served_by, new RegExp(backendPod), "served by the backend pod");
    fig.ui_proxy_served_by = predicted.body.served_by;

    // metrics-server: the HPA's input. It needs two scrapes of a new pod.
    const cpu = await waitFor("metrics-server to report the backend pod's CPU", 120, async () => {
      const usage = await podCpu();
      return usage.get(backendPod) !== undefined ? usage : null;
    }, 3000);
    fig.backend_cpu_m = cpu.get(backendPod);
    const top = await guideCommand(ctx.report, GUIDE.topNodes);
    assert.match(top, /local-k8s\s+\d+m/);
    await guideCommand(ctx.report, GUIDE.metricsRollout);
    const msLogs = await guideCommand(ctx.report, GUIDE.metricsLogs);
    assert.doesNotMatch(msLogs, /x509: cannot validate certificate/);
    const api = await guideCommand(ctx.report, GUIDE.apiservices);
    assert.match(api, /v1beta1\.metrics\.k8s\.io\s+\S+\s+True/);
  },
};
