import type { ExtraDetail } from '@betal/contract';
import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { DomainError } from '../domain/errors.js';
import { isLosslessNumber } from './json-body.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as unknown as AddFormats;

const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false });
addFormats(ajv);
const compiled = new WeakMap<object, ValidateFunction>();

type JsonSchema = TSchema & {
  type?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
};

/** The outcome of reading a body against its schema: the value, or the fields at fault. */
export type Checked<T> = { ok: true; value: T } | { ok: false; details: ExtraDetail[] };

const AMOUNT_VALUE = /(^|\.)(amount|modificationAmount)\.value$/;

/** Where {@link normalize} is in the body and what it collects there. */
export interface NormalizeAt {
  /** The dotted path of the value in the body, e.g. `amount.value` or `items[0]`; `''` for the root. */
  path: string;
  /** The lint notices so far; each leniency pushes one. */
  notices: string[];
  /** What to do with a field the schema does not know (see {@link UnknownFields}); `refuse` by default. */
  unknownFields?: UnknownFields;
}

/**
 * Brings a parsed body to the types its schema asks for, noting every leniency: a JSON number where a string is
 * expected is taken by its exact digits; an enum value in another case is taken as the canonical value; a
 * whole-number float for an integer (`12300.0`) is taken as the integer; a field the schema does not know is
 * dropped (the ePayment, Webhooks and Order Management specs allow additional properties). Each adds a lint
 * notice naming the field. A fractional amount is refused with 4040 (other fractional integers fail the schema).
 * Source: contract 8 (open questions 1 and 2), 1 (Amounts).
 */
export function normalize(schema: JsonSchema, value: unknown, at: NormalizeAt): unknown {
  const { path, notices, unknownFields = 'refuse' } = at;
  if (schema.anyOf) {
    if (value === null) return null;
    const branch = schema.anyOf.find((s) => s.type !== 'null');
    return branch ? normalize(branch, value, at) : value;
  }
  if (isLosslessNumber(value)) {
    const text = value.value;
    const integral = /^-?\d+$/.test(text);
    switch (schema.type) {
      case 'string':
        notices.push(`${path} was sent as a JSON number; the API expects a string ("${text}").`);
        return text;
      case 'integer': {
        const whole = wholeNumberOf(text);
        const n = Number(whole ?? text);
        if (!integral && whole !== undefined && Number.isSafeInteger(n)) {
          // `12300.0`, as PHP's json_encode writes a float such as `round($total * 100)`.
          notices.push(
            `${path} was sent as ${text}; the API expects a whole number without a fraction (${n}).`,
          );
          return n;
        }
        if (!integral && AMOUNT_VALUE.test(path)) {
          throw new DomainError(4040, `${path} must be an integer in minor units; got ${text}.`);
        }
        return integral && Number.isSafeInteger(n) ? n : text;
      }
      default:
        return Number(text);
    }
  }
  if (typeof value === 'string' && schema.enum && !schema.enum.includes(value)) {
    const canonical = schema.enum.find(
      (e) => typeof e === 'string' && e.toLowerCase() === value.toLowerCase(),
    );
    if (typeof canonical === 'string') {
      notices.push(`${path} '${value}' was taken as '${canonical}'; the API documents upper-case values.`);
      return canonical;
    }
    return value;
  }
  if (Array.isArray(value)) {
    return schema.items
      ? value.map((v, i) => normalize(schema.items as JsonSchema, v, { ...at, path: `${path}[${i}]` }))
      : value;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const sub =
        schema.properties?.[key] ??
        (schema.patternProperties ? Object.values(schema.patternProperties)[0] : undefined) ??
        (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (
        unknownFields === 'ignore' &&
        sub === undefined &&
        schema.additionalProperties === false &&
        !schema.patternProperties
      ) {
        // The specs allow additional properties and production plugins send some: ignore it, say so.
        const name = path ? `${path}.${key}` : key;
        notices.push(
          `${name.slice(0, 100)} is not part of this request and was ignored; check its spelling.`,
        );
        continue;
      }
      // defineProperty, not assignment: a key such as `__proto__` must stay an ordinary key.
      Object.defineProperty(out, key, {
        value: sub ? normalize(sub, v, { ...at, path: path ? `${path}.${key}` : key }) : plain(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

function plain(value: unknown): unknown {
  if (isLosslessNumber(value)) return Number(value.value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

function fieldName(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function display(name: string): string {
  const last = name.split('.').pop() ?? name;
  const bare = last.replace(/\[\d+\]$/, '');
  return bare.charAt(0).toUpperCase() + bare.slice(1);
}

function describe(error: ErrorObject): ExtraDetail {
  const base = fieldName(error.instancePath);
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const name = base ? `${base}.${String(p.missingProperty)}` : String(p.missingProperty);
      return { name, reason: `The ${display(name)} field is required.` };
    }
    case 'additionalProperties': {
      const name = base ? `${base}.${String(p.additionalProperty)}` : String(p.additionalProperty);
      return {
        name,
        reason: `The field ${name} is not part of this request. Check its spelling or leave it out.`,
      };
    }
    case 'pattern':
      return {
        name: base,
        reason: `The field ${display(base)} must match the regular expression '${String(p.pattern)}'.`,
      };
    case 'minLength':
      return {
        name: base,
        reason: `The field ${display(base)} must be a string with a minimum length of ${String(p.limit)}.`,
      };
    case 'maxLength':
      return {
        name: base,
        reason: `The field ${display(base)} must be a string with a maximum length of ${String(p.limit)}.`,
      };
    case 'minimum':
      return { name: base, reason: `The field ${display(base)} must be at least ${String(p.limit)}.` };
    case 'maximum':
      return { name: base, reason: `The field ${display(base)} must be at most ${String(p.limit)}.` };
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).join(', ');
      return { name: base, reason: `The value is not valid for ${display(base)}. Valid values: ${allowed}.` };
    }
    case 'type':
      return {
        name: base || '$',
        reason: `The field ${display(base) || 'body'} must be of type ${String(p.type)}.`,
      };
    case 'minItems':
      return {
        name: base,
        reason: `The field ${display(base)} must have at least ${String(p.limit)} item(s).`,
      };
    default:
      return {
        name: base || '$',
        reason: `The field ${display(base) || 'body'} ${error.message ?? 'is invalid'}.`,
      };
  }
}

/**
 * Validates a normalized body against its schema (ajv, all errors). Each failing field becomes one
 * `{name, reason}` in the style of contract 3.9, e.g. `{name: 'reference', reason: "The field Reference must
 * match the regular expression '^[a-zA-Z0-9-]{8,64}$'."}`.
 */
export function check<T>(schema: TSchema, value: unknown): Checked<T> {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return { ok: true, value: value as T };
  const seen = new Set<string>();
  const details: ExtraDetail[] = [];
  for (const error of validate.errors ?? []) {
    if (
      error.keyword === 'anyOf' ||
      (error.keyword === 'type' && (error.params as { type?: string }).type === 'null')
    ) {
      continue;
    }
    const detail = describe(error);
    if (seen.has(detail.name)) continue;
    seen.add(detail.name);
    details.push(detail);
  }
  return { ok: false, details };
}

/**
 * What to do with a field the schema does not know: `ignore` it with a lint notice (the Vipps APIs, whose specs
 * allow additional properties: issue #9) or leave it to the schema, which `refuse`s it with 400 (the platform's
 * own endpoints).
 */
export type UnknownFields = 'ignore' | 'refuse';

/**
 * normalize + check: the whole reading of a body. Throws DomainError 4040 for a decimal amount. `unknownFields`
 * defaults to `refuse`; the ePayment, Webhooks and Order Management routes pass `ignore`.
 */
export function readBody<T>(
  schema: TSchema,
  raw: unknown,
  notices: string[],
  unknownFields: UnknownFields = 'refuse',
): Checked<T> {
  if (raw === undefined) return check<T>(schema, undefined);
  return check<T>(schema, normalize(schema as JsonSchema, raw, { path: '', notices, unknownFields }));
}

/**
 * The integer a JSON number's text stands for exactly (`12300.0` → `12300`, `1.23e4` → `12300`), read from its
 * digits so that no rounding through a double can make a fraction whole (`12300.0000000000001` has none); undefined
 * when the text has a fractional part or is not a plain JSON number.
 */
export function wholeNumberOf(text: string): string | undefined {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return undefined;
  const [, sign = '', int = '', frac = '', exp = '0'] = match;
  let digits = (int + frac).replace(/^0+(?=\d)/, '');
  let exponent = Number(exp) - frac.length;
  while (exponent < 0 && digits.length > 1 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    exponent += 1;
  }
  if (digits === '0') return '0';
  if (exponent < 0 || exponent > 20) return undefined;
  return `${sign}${digits}${'0'.repeat(exponent)}`;
}
