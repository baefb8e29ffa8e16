/**
 * The islands of this UI for the server, which needs them imported to
 * recognise them while rendering. Generated from the files of `islands/` by
 * `runtime/manifest_gen.ts` (`deno task build:ui` runs it): do not edit.
 */
import BackendStatus from "./islands/BackendStatus.tsx";
import BurstRunner from "./islands/BurstRunner.tsx";
import FleetMonitor from "./islands/FleetMonitor.tsx";
import InstanceChart from "./islands/InstanceChart.tsx";
import LiveMonitor from "./islands/LiveMonitor.tsx";
import ModelsPanel from "./islands/ModelsPanel.tsx";

/** Island components by name (their file's base name in `islands/`). */
export const ISLANDS = {
  BackendStatus,
  BurstRunner,
  FleetMonitor,
  InstanceChart,
  LiveMonitor,
  ModelsPanel,
} as const;
