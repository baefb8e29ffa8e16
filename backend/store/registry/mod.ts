/**
 * The model registry's public face: versions and aliases on disk, the alias
 * watcher and version ids. Callers outside this folder import this module,
 * never the modules behind it.
 */
export { AliasWatcher } from "./alias_watcher.ts";
export {
  ALIASES,
  type AliasName,
  type AliasRecord,
  isAliasName,
  ModelRegistry,
  type VersionMeta,
  VersionNotFoundError,
} from "./registry.ts";
export { shortVersion, versionHex } from "./version_id.ts";
