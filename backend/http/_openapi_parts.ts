/**
 * The pieces both OpenAPI modules (`openapi.ts` and `routes/mlops_openapi.ts`)
 * build responses and schemas from, so that a problem response, a JSON
 * response and a schema reference are written one way in `/openapi.json`.
 */
import { PROBLEMS, type ProblemType } from "../../lib/problem.ts";

/** A `$ref` to a schema in `components.schemas`. */
export function ref(name: string): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

/** A JSON response with `description` and `schema`. */
export function json(
  description: string,
  schema: Record<string, unknown>,
): { description: string; content: { "application/json": { schema: Record<string, unknown> } } } {
  return { description, content: { "application/json": { schema } } };
}

/** The problem+json responses of `types`, keyed by status, each pointing at its section in `/docs`. */
export function problem(...types: ProblemType[]): Record<string, unknown> {
  return Object.fromEntries(types.map((t) => [
    String(PROBLEMS[t].status),
    {
      description: `${PROBLEMS[t].title} (see #problem-${t} in /docs)`,
      content: { "application/problem+json": { schema: ref("Problem") } },
    },
  ]));
}

/** What an endpoint that reads readings from a JSON body can answer besides 200 (`/predict`, `/feedback`). */
export const READINGS_BODY_PROBLEMS: readonly ProblemType[] = Object.freeze([
  "malformed-json",
  "body-timeout",
  "payload-too-large",
  "unsupported-media-type",
  "validation",
  "not-ready",
]);

/** The confusion counts and their ratios, as `/feedback` and `/models` monitoring report them. */
export function confusionProperties(count: "integer" | "number"): Record<string, unknown> {
  return {
    tp: { type: count },
    fp: { type: count },
    fn: { type: count },
    tn: { type: count },
    precision: { type: ["number", "null"] },
    recall: { type: ["number", "null"] },
  };
}
