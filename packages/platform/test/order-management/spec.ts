/**
 * Test support: the official OpenAPI files and seed documents in ../shared, read at test time. Suites that use
 * them skip when ../shared (relative to the repository root) is absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const SHARED = join(repoRoot, '../shared');
export const SPECS = join(SHARED, 'specs');
export const SEEDS = join(SHARED, 'seeds');

/** Whether the shared reference files this suite needs are there. */
export function sharedPresent(...files: string[]): boolean {
  return files.every((f) => existsSync(join(SHARED, f)));
}

type Json = Record<string, any>;
type AddFormats = (ajv: Ajv) => Ajv;
/** ajv-formats' plugin: adds the standard string formats (date-time, uri, ...) to an ajv instance. */
export const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as unknown as AddFormats;

/**
 * OpenAPI 3.0 `nullable: true` as JSON Schema: a `null` type (and a `null` enum member), or `anyOf [schema,
 * null]` for a schema without `type` (a `$ref`-only or a map schema). ajv knows `nullable` only as an extension
 * next to `type`, and does not let `null` through an `enum` (QuantityUnitEnum, Currency).
 */
export function translateNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(translateNullable);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) out[key] = translateNullable(value);
  if (out.nullable !== true) return out;
  delete out.nullable;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

/** A spec file parsed from YAML, as it is (for reading its examples). */
export function readSpec(file: string): Json {
  return parseYaml(readFileSync(join(SPECS, file), 'utf8')) as Json;
}

/**
 * A validator of bodies against one spec's `components/schemas`. `patch` fixes the spec's documented bugs
 * before compiling (each caller says which and why).
 */
export function specValidator(file: string, patch: (doc: Json) => void = () => {}) {
  const doc = readSpec(file);
  patch(doc);
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: true });
  addFormats(ajv);
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addSchema(translateNullable(doc) as Json, 'spec');
  /** The ajv errors of `value` against `components/schemas/<name>` (empty when valid). */
  return (name: string, value: unknown): string[] => {
    const validate = ajv.getSchema(`spec#/components/schemas/${name}`);
    if (!validate) throw new Error(`no schema ${name} in ${file}`);
    return validate(value)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
  };
}

/** The text of the seed document whose file name starts with `prefix` (e.g. `004`). */
export function readSeed(prefix: string): string {
  const name = readdirSync(SEEDS).find((f) => f.startsWith(`${prefix}_`));
  if (!name) throw new Error(`no seed ${prefix} in ${SEEDS}`);
  return readFileSync(join(SEEDS, name), 'utf8');
}

/** The ```json blocks of a seed document, as text, in order. */
export function jsonBlocks(text: string): string[] {
  return [...text.matchAll(/```json\s*\n([\s\S]*?)```/g)].map((m) => (m[1] as string).trim());
}
