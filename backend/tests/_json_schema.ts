/**
 * Test helper: checks a JSON value against the JSON Schema (2020-12) subset
 * `/openapi.json` uses, so tests can hold real responses to their documented
 * schemas. Keywords: $ref (to `#/components/schemas/*`), type, const, enum,
 * required, properties, additionalProperties, items, minItems, maxItems,
 * minimum, maximum, exclusiveMinimum, exclusiveMaximum, pattern, allOf, oneOf.
 * Descriptive keywords (description, examples, example, format, default, title) are ignored;
 * any other keyword is an error, so a schema never passes by being misread.
 */

type Schema = Record<string, unknown>;

// `example` is OpenAPI's own (deprecated) annotation, allowed in its schema objects.
const IGNORED = new Set(["description", "examples", "example", "format", "default", "title"]);
const KNOWN = new Set([
  "$ref",
  "type",
  "const",
  "enum",
  "required",
  "properties",
  "additionalProperties",
  "items",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "pattern",
  "allOf",
  "oneOf",
]);

function typeOf(value: unknown): string[] {
  if (value === null) return ["null"];
  if (Array.isArray(value)) return ["array"];
  if (typeof value === "number") {
    return Number.isInteger(value) ? ["integer", "number"] : ["number"];
  }
  return [typeof value];
}

/**
 * The problems of `value` against `schema`, each as `path: what`; empty when
 * it conforms. `schemas` resolves `$ref`s (the document's `components.schemas`).
 */
export function schemaErrors(
  value: unknown,
  schema: Schema,
  schemas: Record<string, Schema>,
  path = "$",
): string[] {
  const errors: string[] = [];
  const at = (what: string) => errors.push(`${path}: ${what}`);
  for (const key of Object.keys(schema)) {
    if (!KNOWN.has(key) && !IGNORED.has(key)) at(`unsupported keyword ${key}`);
  }
  if (typeof schema.$ref === "string") {
    const name = /^#\/components\/schemas\/(\w+)$/.exec(schema.$ref)?.[1];
    const target = name === undefined ? undefined : schemas[name];
    if (!target) return [`${path}: unresolved ${schema.$ref}`];
    errors.push(...schemaErrors(value, target, schemas, path));
  }
  if (schema.type !== undefined) {
    const allowed = ([] as string[]).concat(schema.type as string | string[]);
    if (!typeOf(value).some((t) => allowed.includes(t))) {
      at(`expected ${allowed.join(" or ")}, got ${JSON.stringify(value)?.slice(0, 60)}`);
      return errors;
    }
  }
  if ("const" in schema && value !== schema.const) at(`expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    at(`${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) at(`below ${schema.minimum}`);
    if (typeof schema.maximum === "number" && value > schema.maximum) at(`above ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum) {
      at(`not above ${schema.exclusiveMinimum}`);
    }
    if (typeof schema.exclusiveMaximum === "number" && value >= schema.exclusiveMaximum) {
      at(`not below ${schema.exclusiveMaximum}`);
    }
  }
  if (typeof value === "string" && typeof schema.pattern === "string") {
    if (!new RegExp(schema.pattern, "u").test(value)) {
      at(`"${value}" does not match ${schema.pattern}`);
    }
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems) at("too few items");
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems) at("too many items");
    if (schema.items && typeof schema.items === "object") {
      value.forEach((v, i) =>
        errors.push(...schemaErrors(v, schema.items as Schema, schemas, `${path}[${i}]`))
      );
    }
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const key of (schema.required as string[] | undefined) ?? []) {
      if (!(key in record)) at(`missing ${key}`);
    }
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [key, v] of Object.entries(record)) {
      if (properties[key]) {
        errors.push(...schemaErrors(v, properties[key], schemas, `${path}.${key}`));
      } else if (schema.additionalProperties === false) {
        at(`unexpected property ${key}`);
      } else if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
        errors.push(
          ...schemaErrors(v, schema.additionalProperties as Schema, schemas, `${path}.${key}`),
        );
      }
    }
  }
  for (const sub of (schema.allOf as Schema[] | undefined) ?? []) {
    errors.push(...schemaErrors(value, sub, schemas, path));
  }
  if (Array.isArray(schema.oneOf)) {
    const matching = schema.oneOf.filter((s) => schemaErrors(value, s, schemas, path).length === 0);
    if (matching.length !== 1) at(`matches ${matching.length} of oneOf, not exactly 1`);
  }
  return errors;
}
