import { parseDebianVersion } from './dpkg';
import { VersionSyntaxError } from './version-error';

describe('VersionSyntaxError', () => {
  it('carries its stable code, its name, the input and the reason in the message', () => {
    let caught: unknown;
    try {
      parseDebianVersion('1.0-');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(VersionSyntaxError);
    const error = caught as VersionSyntaxError;
    expect({
      code: error.code,
      name: error.name,
      input: error.input,
      reason: error.reason,
      message: error.message,
    }).toEqual({
      code: 'E_VERSION_SYNTAX',
      name: 'VersionSyntaxError',
      input: '1.0-',
      reason: 'revision number is empty',
      message: "invalid version '1.0-': revision number is empty",
    });
    expect(String(error)).toBe("VersionSyntaxError: invalid version '1.0-': revision number is empty");
  });
});
