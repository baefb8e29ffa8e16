/** The dashboard page: server-rendered layout with four islands. */
import type { JSX } from "preact";
import BackendStatus from "../islands/BackendStatus.tsx";
import BurstRunner from "../islands/BurstRunner.tsx";
import InstanceChart from "../islands/InstanceChart.tsx";
import LiveMonitor from "../islands/LiveMonitor.tsx";
import { BURST_BUDGET, BURST_LIMITS, type BurstSpec } from "../bursts.ts";

/** Data the server passes to the page. */
export interface IndexData {
  backendUrl: string;
  /** Largest batch offered in the controls. */
  maxBatch: number;
}

/** Defaults of the streaming controls (the workshop's values). */
export const STREAM_DEFAULTS = {
  batchSize: 32,
  intervalMs: 500,
  anomalyRate: 0.05,
  newConnection: false,
} as const;

/** Defaults of the burst controls. */
export const BURST_DEFAULTS: BurstSpec = {
  requests: 200,
  concurrency: 8,
  cycles: 1,
  pauseMs: 1_000,
  batchSize: 64,
  anomalyRate: 0.05,
  newConnection: false,
};

/** The page body. */
export default function Index({ data }: { data: IndexData }): JSX.Element {
  return (
    <div class="layout">
      <div class="main-col">
        <LiveMonitor
          defaults={{ ...STREAM_DEFAULTS }}
          maxBatch={data.maxBatch}
          chartWindow={1_500}
          tableRows={25}
        />
      </div>
      <aside class="side-col" aria-label="Backend, bursts and instances">
        <BackendStatus backendUrl={data.backendUrl} pollMs={5_000} retryMs={2_000} />
        <BurstRunner
          defaults={BURST_DEFAULTS}
          limits={{ ...BURST_LIMITS }}
          budget={{ ...BURST_BUDGET }}
          pollMs={250}
        />
        <InstanceChart maxBars={20} />
      </aside>
    </div>
  );
}
