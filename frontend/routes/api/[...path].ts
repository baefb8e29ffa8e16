/**
 * `/api/*` except the bursts: the proxy to the one backend (`proxy.ts`). The
 * path after `/api` selects an allow-listed backend route; the proxy decides
 * which methods each route takes and answers 405 itself for the others, so
 * this handler takes every method (a function, as in Fresh).
 */
import type { RouteContext } from "../../state.ts";

/** Forward to the proxy. */
export function handler(req: Request, { remoteAddr, state }: RouteContext): Promise<Response> {
  return state.proxy(req, new URL(req.url).pathname.slice("/api".length), remoteAddr?.hostname);
}
