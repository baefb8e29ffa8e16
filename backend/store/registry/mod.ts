/**
 * The model registry's public face: versions and aliases on disk, their
 * history, the alias watcher, version ids and the errors callers map (a
 * version that cannot be served, a compare-and-set conflict, a store that
 * cannot take a write). Callers outside this folder import this module,
 * never the modules behind it.
 */
export {
  AliasWatcher,
  type CanaryAssignment,
  type ChampionStatus,
  chooseChampion,
  type LoadedVersion,
} from "./alias_watcher.ts";
export {
  AliasConflictError,
  ALIASES,
  type AliasName,
  type AliasRecord,
  type AliasStatus,
  type HistoryEntry,
  isAliasName,
  ModelRegistry,
  StoreUnavailableError,
  type VersionMeta,
  VersionNotFoundError,
  VersionUnusableError,
} from "./registry.ts";
export { artifactProblem } from "./version_problem.ts";
export { shortVersion, versionHex, versionPrefix } from "./version_id.ts";
