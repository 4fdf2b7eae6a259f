import { expect } from 'vitest';

/** What the Order Management tests share. */

/** A UUID (the ids the platform makes), lower case. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Expects an Order Management error answer: `status`, the five fields of its error body, and (when given) `field`
 * among the invalid parameters.
 */
export function expectOmError(res: { status: number; body: any }, status: number, field?: string): void {
  expect(res.status).toBe(status);
  expect(Object.keys(res.body).sort()).toEqual(['detail', 'instance', 'invalidParams', 'title', 'type']);
  if (field !== undefined) expect(res.body.invalidParams.map((p: any) => p.name)).toContain(field);
}
