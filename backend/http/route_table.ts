/**
 * The app's routes and their methods, read from what was registered
 * (`app.routes`) rather than typed in a table beside it: the 405 + Allow
 * answer, the `path` label of the metrics and the `/` index follow every
 * route a sub-app adds.
 */

/** One registered handler, as Hono lists them in `app.routes`. */
export interface RegisteredRoute {
  method: string;
  path: string;
}

/** Each route's path and its methods, in registration order; HEAD beside every GET. */
export function routeTable(
  registered: readonly RegisteredRoute[],
): Record<string, readonly string[]> {
  const table: Record<string, string[]> = {};
  for (const { method, path } of registered) {
    // Middleware (`ALL`, wildcard paths) is no route of its own.
    if (method === "ALL" || path.includes("*")) continue;
    const methods = table[path] ??= [];
    // Hono answers HEAD with the GET handler.
    for (const m of method === "GET" ? ["GET", "HEAD"] : [method]) {
      if (!methods.includes(m)) methods.push(m);
    }
  }
  return table;
}
