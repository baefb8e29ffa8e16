/**
 * The OpenAPI 3.1 document served at `/openapi.json`. Request schemas come
 * from `predict_schema.ts`, the same description that validates requests.
 */
import { FEATURES } from "../detector/mod.ts";
import { SERVICE_VERSION } from "../metrics/metrics.ts";
import { predictRequestJsonSchema, readingJsonSchema } from "../predict/predict_schema.ts";
import { lifecyclePaths, lifecycleSchemas } from "./routes/mlops_openapi.ts";
import { json, problem, READINGS_BODY_PROBLEMS, ref } from "./_openapi_parts.ts";
import { simulateParams } from "./routes/simulate.ts";
import { SHIFT_PARAMS } from "../../lib/simulator/shift.ts";
import { rangeSchema } from "../../lib/ranges.ts";

/** Options for {@link openApiDocument}. */
export interface OpenApiOptions {
  maxBatch: number;
  maxBodyBytes: number;
  /** The served model's features (what a reading must carry). Default voltage, current, frequency. */
  features?: readonly string[];
}

/** An example `/predict` body for `features`: the workshop's readings, or 1s for other features. */
function exampleBody(features: readonly string[]): Record<string, unknown> {
  const workshop = features.length === FEATURES.length &&
    features.every((f, i) => f === FEATURES[i]);
  if (workshop) {
    return {
      readings: [{ voltage: 230.1, current: 10.2, frequency: 50.01 }, {
        voltage: 275,
        current: 28,
        frequency: 50.7,
      }],
    };
  }
  return { readings: [Object.fromEntries(features.map((f) => [f, 1]))] };
}

/** Build the OpenAPI document for the configured limits. */
export function openApiDocument(options: OpenApiOptions): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: {
      title: "Grid anomaly detection API",
      version: SERVICE_VERSION,
      description: "Scores electric-grid sensor readings (voltage, current, frequency) with an " +
        "isolation forest and explains anomalies against grid limits. Request bodies are limited to " +
        `${options.maxBodyBytes} bytes (MAX_BODY_BYTES) and ${options.maxBatch} readings (MAX_BATCH). ` +
        "Readings are RMS values as a meter reports them (typically 10-cycle RMS); reasons cite " +
        "EN 50160 bands for orientation, but the standard itself is statistical over a week and one " +
        "reading can never show non-compliance.",
    },
    paths: {
      "/predict": {
        post: {
          summary: "Score a batch of readings",
          operationId: "predict",
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: ref("PredictRequest"),
                example: exampleBody(options.features ?? FEATURES),
              },
            },
          },
          responses: {
            "200": json("One prediction per reading, in order", ref("PredictResponse")),
            ...problem(...READINGS_BODY_PROBLEMS),
          },
        },
      },
      "/simulate": {
        get: {
          summary: "Labeled simulated readings, ready to post to /predict",
          operationId: "simulate",
          parameters: Object.entries(simulateParams(options.maxBatch)).map(([name, p]) => ({
            name,
            in: "query",
            ...(name === "seed"
              ? { description: "Same seed, same readings; random when omitted (and returned)" }
              : name in SHIFT_PARAMS
              ? { description: "Drift on purpose: shift every reading (the drift exercise)" }
              : {}),
            schema: {
              ...rangeSchema(p.range),
              ...(p.default === undefined ? {} : { default: p.default }),
            },
          })),
          responses: {
            "200": json("Simulated readings with labels", { type: "object" }),
            ...problem("validation"),
          },
        },
      },
      "/health": {
        get: {
          summary: "Liveness: the process answers (does not depend on the model)",
          operationId: "health",
          responses: {
            "200": json("Alive", {
              type: "object",
              properties: {
                status: { const: "ok" },
                model: { enum: ["isolation_forest", "temporal_window"] },
                features: { type: "array", items: { type: "string" } },
              },
            }),
          },
        },
      },
      "/ready": {
        get: {
          summary:
            "Readiness: 200 once the model is loaded, 503 while loading, after a failed load, and while draining",
          operationId: "ready",
          responses: {
            "200": json(
              "Ready; a `warning` says when the served model is not the configured one " +
                "(an artifact the service did not make, served as it is); `champion` says " +
                "which version the champion alias intends and which serves (they differ " +
                "after a fallback to the alias's previous version)",
              { type: "object" },
            ),
            "503": json(
              "Not ready; `reason` says why, naming the champion alias and the version that " +
                "failed when the registry's champion cannot be served",
              { type: "object" },
            ),
          },
        },
      },
      "/model": {
        get: {
          summary: "Metadata of the loaded model: version, config, threshold, training summary",
          operationId: "model",
          responses: { "200": json("Model metadata", { type: "object" }), ...problem("not-ready") },
        },
      },
      "/metrics": {
        get: {
          summary: "Prometheus metrics (text exposition), aggregated over every worker",
          operationId: "metrics",
          responses: {
            "200": {
              description: "Prometheus text format",
              content: { "text/plain": { schema: { type: "string" } } },
            },
          },
        },
      },
      ...lifecyclePaths(),
    },
    components: {
      securitySchemes: {
        adminToken: {
          type: "http",
          scheme: "bearer",
          description: "ADMIN_TOKEN of the service; without one the admin endpoints answer 403",
        },
      },
      schemas: {
        ...lifecycleSchemas({ maxBatch: options.maxBatch }),
        Reading: readingJsonSchema(options.features ?? FEATURES),
        PredictRequest: predictRequestJsonSchema(options.maxBatch),
        Reason: {
          type: "object",
          required: ["signal", "code", "message", "severity"],
          properties: {
            signal: { enum: [...FEATURES, "model"] },
            code: {
              type: "string",
              examples: ["voltage_swell", "frequency_high", "sensor_fault", "model_outlier"],
            },
            message: { type: "string" },
            severity: { enum: ["info", "warning", "major", "critical"] },
            reference: {
              type: "string",
              description: "The standard or setting the band comes from",
            },
          },
        },
        Prediction: {
          type: "object",
          required: ["anomaly", "score", "prediction_id"],
          properties: {
            prediction_id: {
              type: "string",
              pattern: "^[A-Za-z0-9_-]+$",
              description: "This verdict's receipt (model version, time, verdict, reading); " +
                "label it with POST /feedback",
            },
            anomaly: { type: "boolean" },
            score: {
              type: "number",
              description: "Isolation-forest score in (0, 1); higher is more anomalous",
            },
            reasons: { type: "array", items: ref("Reason") },
          },
        },
        PredictResponse: {
          type: "object",
          required: ["predictions", "anomalies", "total", "served_by", "model_version"],
          properties: {
            predictions: { type: "array", items: ref("Prediction") },
            anomalies: { type: "integer" },
            total: { type: "integer" },
            served_by: { type: "string", description: "pod:pid (and /wN with several workers)" },
            model_version: { type: "string" },
          },
        },
        Problem: {
          type: "object",
          description: "RFC 9457 problem details",
          required: ["type", "title", "status", "detail", "error"],
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
            error: {
              type: "string",
              description: "Same as detail, for Open Inference Protocol clients",
            },
            instance: { type: "string" },
            errors: {
              type: "array",
              items: {
                type: "object",
                properties: { path: { type: "string" }, message: { type: "string" } },
              },
            },
            limit: { type: "integer" },
          },
        },
      },
    },
  };
}
