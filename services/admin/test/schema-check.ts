/**
 * A small checker for the JSON Schema subset the OpenAPI document uses (`type` with `null`,
 * `required`, `properties`, `items`, `$ref`, `minimum`), so tests can hold live replies to the
 * published document without a schema library.
 */

type Schema = Record<string, unknown>;

function typeOk(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return typeof value === type;
  }
}

/** Returns the problems of `value` against `schema` (empty when it conforms). */
export function checkSchema(
  value: unknown,
  schema: Schema,
  defs: Record<string, Schema>,
  path = '$',
): string[] {
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const target = defs[ref.replace('#/components/schemas/', '')];
    return target === undefined
      ? [`${path}: unknown $ref ${ref}`]
      : checkSchema(value, target, defs, path);
  }
  const problems: string[] = [];
  const type = schema['type'];
  if (type !== undefined) {
    const types = Array.isArray(type) ? (type as string[]) : [type as string];
    if (!types.some((t) => typeOk(value, t))) {
      return [`${path}: ${JSON.stringify(value)} is not ${types.join('|')}`];
    }
  }
  if (
    typeof schema['minimum'] === 'number' &&
    typeof value === 'number' &&
    value < schema['minimum']
  ) {
    problems.push(`${path}: ${value} < ${schema['minimum']}`);
  }
  if (typeOk(value, 'object')) {
    const obj = value as Record<string, unknown>;
    for (const key of (schema['required'] as string[] | undefined) ?? []) {
      if (!(key in obj)) {
        problems.push(`${path}: missing ${key}`);
      }
    }
    const props = (schema['properties'] as Record<string, Schema> | undefined) ?? {};
    for (const [key, sub] of Object.entries(props)) {
      if (key in obj) {
        problems.push(...checkSchema(obj[key], sub, defs, `${path}.${key}`));
      }
    }
  }
  if (Array.isArray(value) && schema['items'] !== undefined) {
    value.forEach((v, i) =>
      problems.push(...checkSchema(v, schema['items'] as Schema, defs, `${path}[${i}]`)),
    );
  }
  return problems;
}
