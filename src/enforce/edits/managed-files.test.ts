import { addDropInLines, MANAGED_SYSCTL_BASENAME, setManagedSysctl } from './managed-files';

const HEADER =
  '# Managed by driftguard: written to match the desired state or the pair primary.\n' +
  '# Change the desired state rather than this file; driftguard edits it line by line.\n';

describe('the managed sysctl file', () => {
  it('is named by its basename alone, for systemd-sysctl’s ordering', () => {
    expect(MANAGED_SYSCTL_BASENAME).toBe('90-driftguard.conf');
  });

  it('is created with the header and the one setting', () => {
    expect(setManagedSysctl(undefined, 'kernel.panic', '10')).toBe(`${HEADER}kernel.panic = 10\n`);
  });

  it("replaces the key's line in place, every other line as it was", () => {
    const text = '# mine\nvm.swappiness = 30\nkernel.panic = 10\n';
    expect(setManagedSysctl(text, 'kernel.panic', '60')).toBe(
      '# mine\nvm.swappiness = 30\nkernel.panic = 60\n',
    );
  });

  it('appends a key the file does not set, also to a file (or text) without a final newline', () => {
    expect(setManagedSysctl('vm.swappiness = 30\n', 'kernel.panic', '10')).toBe(
      'vm.swappiness = 30\nkernel.panic = 10\n',
    );
    expect(setManagedSysctl('vm.swappiness = 30', 'kernel.panic', '10')).toBe(
      'vm.swappiness = 30\nkernel.panic = 10\n',
    );
    expect(setManagedSysctl('', 'kernel.panic', '10')).toBe('kernel.panic = 10\n');
  });

  it('does not take a negative match (`-kernel.panic`, no value) for the key’s line', () => {
    expect(setManagedSysctl('-kernel.panic\n', 'kernel.panic', '10')).toBe(
      '-kernel.panic\nkernel.panic = 10\n',
    );
  });

  it('does not take another key (or a commented one) for the key’s line', () => {
    expect(setManagedSysctl('# kernel.panic = 5\nkernel.panic_on_oops = 1\n', 'kernel.panic', '10')).toBe(
      '# kernel.panic = 5\nkernel.panic_on_oops = 1\nkernel.panic = 10\n',
    );
  });
});

describe("a unit's managed drop-in", () => {
  it('is created with the header, [Unit] and one line per directive, units space-separated', () => {
    expect(
      addDropInLines(undefined, [
        { directive: 'After', units: ['srv-pypi.mount', 'drbd.service'] },
        { directive: 'Requires', units: ['srv-pypi.mount'] },
      ]),
    ).toBe(`${HEADER}[Unit]\nAfter=srv-pypi.mount drbd.service\nRequires=srv-pypi.mount\n`);
  });

  it('appends under a last section that is [Unit], blanks around it allowed', () => {
    const lines = [
      { directive: 'After', units: ['a.mount'] },
      { directive: 'Wants', units: ['b.service'] },
    ];
    expect(addDropInLines('[Unit]\nAfter=x.mount\n', lines)).toBe(
      '[Unit]\nAfter=x.mount\nAfter=a.mount\nWants=b.service\n',
    );
    expect(addDropInLines('  [Unit] \t\nAfter=x.mount\n', lines)).toBe(
      '  [Unit] \t\nAfter=x.mount\nAfter=a.mount\nWants=b.service\n',
    );
  });

  it('opens [Unit] again when the last section is another, even after an earlier [Unit]', () => {
    expect(
      addDropInLines('[Unit]\nAfter=x.mount\n[Service]\nNice=5\n', [
        { directive: 'After', units: ['a.mount'] },
      ]),
    ).toBe('[Unit]\nAfter=x.mount\n[Service]\nNice=5\n[Unit]\nAfter=a.mount\n');
  });

  it('counts as a section only a whole line in brackets', () => {
    const after = [{ directive: 'After', units: ['a.mount'] }];
    // A value that ends in a bracket, or a line that only starts with one, is not a section.
    expect(addDropInLines('[Unit]\nDescription=see [man]\n', after)).toBe(
      '[Unit]\nDescription=see [man]\nAfter=a.mount\n',
    );
    expect(addDropInLines('[Unit]\n[x] y\n', after)).toBe('[Unit]\n[x] y\nAfter=a.mount\n');
  });

  it('opens [Unit] in a file without sections, and is not fooled by brackets inside a line', () => {
    expect(addDropInLines('# nothing yet\n', [{ directive: 'After', units: ['a.mount'] }])).toBe(
      '# nothing yet\n[Unit]\nAfter=a.mount\n',
    );
    expect(addDropInLines('# see [Unit]\n', [{ directive: 'After', units: ['a.mount'] }])).toBe(
      '# see [Unit]\n[Unit]\nAfter=a.mount\n',
    );
    expect(addDropInLines('[Unit] # here\n', [{ directive: 'After', units: ['a.mount'] }])).toBe(
      '[Unit] # here\n[Unit]\nAfter=a.mount\n',
    );
  });
});
