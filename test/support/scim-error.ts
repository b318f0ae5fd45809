/** Assertions for code that must fail with a ScimError of a given status and scimType. */
import { expect } from 'vitest';
import { ScimError, type ScimType } from '../../server/scim/errors';

/** Runs fn, which must throw a ScimError (anything else fails the test), and returns it. */
export function scimErrorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScimError);
    return err as ScimError;
  }
  throw new Error('expected a ScimError, but nothing was thrown');
}

export function expectScimError(fn: () => unknown, status: number, scimType: ScimType | undefined): ScimError {
  const err = scimErrorOf(fn);
  expect({ status: err.status, scimType: err.scimType }).toEqual({ status, scimType });
  return err;
}
