/**
 * The islands of this UI (Fresh generates the same list as `fresh.gen.ts`).
 * The build bundles each one, the server uses the list to recognise them
 * while rendering, and a test checks it matches the files in `islands/`.
 */
import BackendStatus from "./islands/BackendStatus.tsx";
import BurstRunner from "./islands/BurstRunner.tsx";
import InstanceChart from "./islands/InstanceChart.tsx";
import LiveMonitor from "./islands/LiveMonitor.tsx";

/** Island components by name (their file's base name in `islands/`). */
export const ISLANDS = { BackendStatus, BurstRunner, InstanceChart, LiveMonitor } as const;
