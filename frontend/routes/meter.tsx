/** The single-meter page: one stream of point anomalies at a chosen rate (the contamination exercise). */
import type { JSX } from "preact";
import LiveMonitor from "../islands/LiveMonitor.tsx";
import { dashboardHandler, type IndexData, PageTabs, SideColumn } from "./_dashboard.tsx";

/** Defaults of the streaming controls (the workshop's values). */
export const STREAM_DEFAULTS = {
  batchSize: 32,
  intervalMs: 500,
  anomalyRate: 0.05,
  newConnection: false,
} as const;

/** The page body. */
export default function SingleMeter({ data }: { data: IndexData }): JSX.Element {
  return (
    <>
      <PageTabs current="/meter" />
      <div class="layout">
        <div class="main-col">
          <LiveMonitor
            defaults={{ ...STREAM_DEFAULTS }}
            maxBatch={data.maxBatch}
            maxBatchNote={data.maxBatchNote}
            chartWindow={1_500}
            tableRows={25}
          />
        </div>
        <SideColumn maxBatch={data.maxBatch} backendUrl={data.backendUrl} />
      </div>
    </>
  );
}

/** Page handlers. */
export const handler = dashboardHandler(SingleMeter, "Grid anomaly detection: single meter");
