/**
 * The islands of this UI for the server (Fresh generates the same list as
 * `fresh.gen.ts`), which needs them imported to recognise them while
 * rendering. The build finds the islands in the folder itself
 * (`runtime/islands_dir.ts`), and `manifest_test.ts` checks this list
 * matches the folder.
 */
import BackendStatus from "./islands/BackendStatus.tsx";
import BurstRunner from "./islands/BurstRunner.tsx";
import InstanceChart from "./islands/InstanceChart.tsx";
import LiveMonitor from "./islands/LiveMonitor.tsx";
import ModelsPanel from "./islands/ModelsPanel.tsx";

/** Island components by name (their file's base name in `islands/`). */
export const ISLANDS = {
  BackendStatus,
  BurstRunner,
  InstanceChart,
  LiveMonitor,
  ModelsPanel,
} as const;
