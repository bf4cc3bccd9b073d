// What a build error shows first: the decisive line and where it is, from real cargo/rustc output.
import { describe, expect, it } from 'vitest';
import { BuildFailedError } from '../docker/container-client.ts';
import { buildErrorText, decisiveLines } from './build-error-text.ts';

const rustc = [
  '#14 12.31    Compiling myplugin v0.1.0 (/opt/x/variants/plain/src)',
  '#14 12.90 error[E0308]: mismatched types',
  '#14 12.90   --> src/lib.rs:13:5',
  '#14 12.90    |',
  '#14 12.90 12 | pub extern "C" fn myplugin_init() {',
  '#14 12.90    |                                   - expected `()` because of default return type',
  '#14 12.90 13 |     1',
  '#14 12.90    |     ^ expected `()`, found integer',
  '#14 12.91 ',
  '#14 12.95 error: could not compile `myplugin` (lib) due to 1 previous error',
].join('\n');

const manifest = [
  '#14 0.412 error: failed to parse manifest at `/opt/x/variants/plain/src/Cargo.toml`',
  '#14 0.412 ',
  '#14 0.412 Caused by:',
  '#14 0.412   feature `edition2024` is required',
  '#14 0.412 ',
  '#14 0.412   The package requires the Cargo feature called `edition2024`, but that feature is not stabilized in this version of Cargo (1.78.0).',
].join('\n');

describe('build error text', () => {
  it("shows rustc's first error with its location and the code line, not cargo's summary", () => {
    expect(decisiveLines(rustc)).toBe('error[E0308]: mismatched types\n--> src/lib.rs:13:5\n12 | pub extern "C" fn myplugin_init() {\n13 |     1');
  });

  it("follows cargo's generic manifest error to its real cause", () => {
    expect(decisiveLines(manifest)).toBe('error: failed to parse manifest at `/opt/x/variants/plain/src/Cargo.toml`\ncaused by: feature `edition2024` is required');
  });

  it('heads the whole text with them, then the step, then the tail of the log', () => {
    const text = buildErrorText(new BuildFailedError('build of dlmatrix/env:x failed in [project 5/5] RUN sh build-project.sh', rustc, '[project 5/5]'));
    expect(text.split('\n').slice(0, 3)).toEqual(['error[E0308]: mismatched types', '--> src/lib.rs:13:5', '12 | pub extern "C" fn myplugin_init() {']);
    expect(text).toContain('--- last lines of the failed step ---');
  });

  it("gives a failed link the linker's own cause (a library it needs and cannot find), not rustc's summary", () => {
    // A host program linked against a library whose libpython is off the linker's path (a standalone Python).
    const link = [
      '   Compiling linked-host v0.1.0 (/x/linked-host)',
      'error: linking with `cc` failed: exit status: 1',
      '  |',
      '  = note:  "cc" "-m64" "-lmylib" "-o" "/x/target/debug/deps/linked_host"',
      '  = note: some arguments are omitted. use `--verbose` to show all linker arguments',
      '  = note: /usr/bin/ld: warning: libpython3.13.so.1.0, needed by target/debug/libmylib.so, not found (try using -rpath or -rpath-link)',
      "          /usr/bin/ld: target/debug/libmylib.so: undefined reference to `PyGILState_Release'",
      'error: could not compile `linked-host` (bin "linked-host") due to 1 previous error',
    ].join('\n');
    expect(decisiveLines(link)).toBe(
      'error: linking with `cc` failed: exit status: 1\ncaused by: /usr/bin/ld: warning: libpython3.13.so.1.0, needed by target/debug/libmylib.so, not found (try using -rpath or -rpath-link)',
    );
    const undefinedOnly = link.split('\n').filter((line) => !line.includes('needed by')).join('\n');
    expect(decisiveLines(undefinedOnly)).toMatch(/\ncaused by: \/usr\/bin\/ld: target\/debug\/libmylib\.so: undefined reference to `PyGILState_Release'$/);
  });

  it("takes apt's E: line when there is no compiler error", () => {
    expect(decisiveLines('#7 1.2 Reading package lists...\n#7 1.5 E: Unable to locate package rustc-web')).toBe('E: Unable to locate package rustc-web');
  });
});
