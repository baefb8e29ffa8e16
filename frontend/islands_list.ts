/**
 * Names of the islands, for the build (which must not import the islands
 * themselves). `manifest_test.ts` checks this list, `manifest.ts` and the
 * files in `islands/` agree.
 */
export const ISLAND_NAMES = [
  "BackendStatus",
  "BurstRunner",
  "InstanceChart",
  "LiveMonitor",
] as const;
