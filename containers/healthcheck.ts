/**
 * A container healthcheck without curl or a shell: the image's own binary
 * run as `anomaly-backend healthcheck` (or `anomaly-ui healthcheck`) asks the
 * server in the same container and exits 0 when it answers 2xx. Compose's
 * `healthcheck:` uses it; Kubernetes uses its httpGet probes instead.
 */

/** Options for {@link probe}. */
export interface ProbeOptions {
  /** Give up after this many milliseconds. Default 2000. */
  timeoutMs?: number;
}

/** GET `url`; resolves to the exit code: 0 for a 2xx answer, 1 otherwise. */
export async function probe(url: string, options: ProbeOptions = {}): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 2000) });
    await res.body?.cancel();
    return res.ok ? 0 : 1;
  } catch {
    return 1;
  }
}

/** The loopback URL of `path` on the port this container serves (`PORT`, else `defaultPort`). */
export function localUrl(path: string, defaultPort: number): string {
  return `http://127.0.0.1:${Deno.env.get("PORT") || defaultPort}${path}`;
}
