/** The first screen: a fleet of meters scored by the served detector, with the side column. */
import type { JSX } from "preact";
import FleetMonitor from "../islands/FleetMonitor.tsx";
import { FLEET_STREAM_DEFAULTS } from "../lib/fleet_feed.ts";
import { dashboardHandler, type IndexData, PageTabs, SideColumn } from "./_dashboard.tsx";

export { BURST_DEFAULTS, type IndexData } from "./_dashboard.tsx";
export { STREAM_DEFAULTS } from "./meter.tsx";

/** Defaults of the fleet controls: 4 readings per meter every 0.5 s (80× real time at 10 s). */
export const FLEET_DEFAULTS = { perMeter: 4, requestMs: 500 } as const;

/** The page body. */
export default function Index({ data }: { data: IndexData }): JSX.Element {
  return (
    <>
      <PageTabs current="/" />
      <div class="layout">
        <div class="main-col">
          <FleetMonitor
            seed={data.seed}
            meters={FLEET_STREAM_DEFAULTS.meters}
            intervalMs={FLEET_STREAM_DEFAULTS.intervalMs}
            meanGap={FLEET_STREAM_DEFAULTS.meanGap}
            defaults={{ ...FLEET_DEFAULTS }}
            maxBatch={data.maxBatch}
            keep={240}
          />
        </div>
        <SideColumn maxBatch={data.maxBatch} backendUrl={data.backendUrl} />
      </div>
    </>
  );
}

/** Page handlers. */
export const handler = dashboardHandler(Index, "Grid anomaly detection: fleet");
