import { Type, type SchemaOptions, type TSchema, type TUnsafe } from '@sinclair/typebox';

/**
 * A string enum as plain JSON Schema (`{type: 'string', enum: [...]}`), which reads better in the served
 * OpenAPI document and in validation messages than a union of literals.
 */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: SchemaOptions = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}

/** A schema that also accepts `null` (OpenAPI 3.0 `nullable: true`). */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

/** A 64-bit integer in minor units (øre, cents). */
export function MinorUnits(options: SchemaOptions & { minimum?: number; maximum?: number } = {}) {
  return Type.Integer({ format: 'int64', ...options });
}
