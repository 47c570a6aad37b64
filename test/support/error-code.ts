import { isIthcError } from '../../core/errors';

/** The stable code a promise rejects with, or 'verified' when it resolves; anything that is not an IthcError is rethrown. */
export async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isIthcError(e)) return e.code;
    throw e;
  }
  return 'verified';
}
