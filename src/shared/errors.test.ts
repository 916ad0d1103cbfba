import * as fs from 'node:fs';
import * as vm from 'node:vm';
import { DriftguardError, asDriftguardError, errorMessage } from './errors';

describe('errorMessage', () => {
  it('gives the message of an Error, and anything else as a string', () => {
    expect(errorMessage(new TypeError('bad type'))).toBe('bad type');
    expect(errorMessage('plain text')).toBe('plain text');
    expect(errorMessage(42)).toBe('42');
  });

  // Errors made in another realm fail `instanceof Error`: Node's own errors seen from a jest test
  // are such, and so is an error of a vm context.
  it('gives the bare message of an error of another realm, without "Error: " in front', () => {
    const foreign: unknown = vm.runInNewContext('new RangeError("out of range")');
    expect(foreign instanceof Error).toBe(false);
    expect(errorMessage(foreign)).toBe('out of range');
    let thrown: unknown;
    try {
      fs.readFileSync('/nonexistent/driftguard-errors-test');
    } catch (err) {
      thrown = err;
    }
    expect(errorMessage(thrown)).toBe(
      "ENOENT: no such file or directory, open '/nonexistent/driftguard-errors-test'",
    );
  });
});

describe('asDriftguardError', () => {
  it('keeps a DriftguardError as it is, and wraps anything else as E_INTERNAL with its message', () => {
    const ours = new DriftguardError('E_INTERNAL', 'ours');
    expect(asDriftguardError(ours)).toBe(ours);
    const foreign: unknown = vm.runInNewContext('new Error("theirs")');
    const wrapped = asDriftguardError(foreign);
    expect([wrapped.code, wrapped.message, wrapped.cause]).toEqual(['E_INTERNAL', 'theirs', foreign]);
  });
});
