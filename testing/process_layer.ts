/**
 * Helpers for the process layer's tests: a small real model, a test
 * configuration, a logger that keeps its lines, and HTTP over fresh
 * connections (so the kernel picks a worker for each request).
 *
 * @module
 */
import { type Config, loadConfig } from "../backend/config.ts";
import { createLogger, type Logger } from "../lib/logger.ts";

/** The test suites' small real model, one per seed (`backend/tests/_models.ts`). */
export { smallModel } from "../backend/tests/_models.ts";

/** A configuration on a free port of 127.0.0.1, quiet workers, no drain delay; `env` overrides. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "error",
    DRAIN_DELAY_S: "0",
    SHUTDOWN_QUIET_MS: "0",
    ...env,
  });
}

/** A logger that keeps every line, and the parsed lines. */
export function recordingLogger(): { logger: Logger; events: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  return {
    logger: createLogger({}, { sink: (line) => lines.push(line) }),
    events: () => lines.map((l) => JSON.parse(l)),
  };
}

/** Fetch over a new connection, body read and the connection closed. */
export async function fetchFresh(url: string, init: RequestInit = {}): Promise<Response> {
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  try {
    const res = await fetch(url, { ...init, client } as RequestInit);
    const body = new Uint8Array(await res.arrayBuffer());
    return new Response(body, { status: res.status, headers: res.headers });
  } finally {
    client.close();
  }
}

/** One reading as `/predict` takes it. */
export const READING = { voltage: 230.1, current: 10.2, frequency: 50.01 };

/** POST one reading to `/predict` over a new connection; resolves with the parsed body. */
export async function predictFresh(base: string): Promise<Record<string, unknown>> {
  const res = await fetchFresh(`${base}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ readings: [READING] }),
  });
  if (res.status !== 200) throw new Error(`POST /predict answered ${res.status}`);
  return await res.json();
}

/**
 * POST a body that arrives in two halves `pauseMs` apart, so the request is
 * in flight for that long; `sent` resolves once the first half is out.
 */
export function slowPredict(
  base: string,
  pauseMs: number,
): { response: Promise<Response>; sent: Promise<void> } {
  const bytes = new TextEncoder().encode(JSON.stringify({ readings: [READING, READING] }));
  const half = bytes.length >> 1;
  const sent = Promise.withResolvers<void>();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(bytes.slice(0, half));
      sent.resolve();
      await new Promise((r) => setTimeout(r, pauseMs));
      controller.enqueue(bytes.slice(half));
      controller.close();
    },
  });
  const response = fetchFresh(`${base}/predict`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json" },
  });
  return { response, sent: sent.promise };
}

/** The value of `series` in a Prometheus exposition (0 when absent). */
export function sampleValue(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
