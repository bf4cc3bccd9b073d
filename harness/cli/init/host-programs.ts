// The project's own programs that load its library, read from their sources the way a reviewer
// would: which API opens the library (libloading, dlopen2, dlopen), whether the path and the flags
// come from the command line or are written in the code (and then which build profile the path
// names), and which programs link the library at build time instead (a Cargo dependency,
// `#[link(name = ...)]`, or `cargo:rustc-link-lib` in a build script). C programs that call
// dlopen() are found too; how they are built is theirs to say.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { BinTarget, CargoPackage, CargoProject } from '../../cargo/cargo-project.ts';
import { NEVER_COPIED } from '../../docker/project-source.ts';

export type Profile = 'debug' | 'release';

/** The dlopen flags libloading's `Library::new` and dlopen2's `Library::open` pass. */
export const CRATE_DEFAULT_FLAGS = 'RTLD_LAZY|RTLD_LOCAL';

export type LibraryPath =
  | { from: 'argument' }
  | { from: 'code'; path: string; profile?: Profile }
  | { from: 'unknown' };

export type FlagsSource = { from: 'argument' } | { from: 'defaults'; flags: string } | { from: 'code'; global: boolean };

export interface DlopenHost {
  kind: 'dlopen';
  name: string;
  package: string;
  /** Source file, relative to the project root. */
  source: string;
  api: 'libloading' | 'dlopen2' | 'dlopen';
  library: LibraryPath;
  flags: FlagsSource;
}

export interface LinkedHost {
  kind: 'linked';
  name: string;
  package: string;
  source: string;
  through: 'dependency' | '#[link]' | 'build script';
  /** The profile its build script looks for the library in, when it names one. */
  profile?: Profile;
}

export type RustHost = DlopenHost | LinkedHost;

export interface CHost {
  kind: 'c';
  source: string;
}

/** Every binary of the project that opens or links `library`. */
export function findRustHosts(project: CargoProject, library: CargoPackage): RustHost[] {
  return project.packages.flatMap((pkg) => pkg.bins.flatMap((bin) => analyzeBin(project.root, pkg, bin, library) ?? []));
}

function analyzeBin(root: string, pkg: CargoPackage, bin: BinTarget, library: CargoPackage): RustHost | undefined {
  const code = withoutComments(readText(join(root, bin.path)));
  const uses = (crate: string) => pkg.dependencies.some((d) => d.package === crate);
  const common = { name: bin.name, package: pkg.name, source: bin.path };
  const api: DlopenHost['api'] | undefined =
    /\bdlopen2::/.test(code) || (uses('dlopen2') && /\bLibrary::open(_with_flags)?\s*\(/.test(code))
      ? 'dlopen2'
      : /\blibloading::/.test(code) || (uses('libloading') && /\bLibrary::(new|open)\s*\(/.test(code))
        ? 'libloading'
        : /\bdlopen\s*\(/.test(code)
          ? 'dlopen'
          : undefined;
  if (api) return { kind: 'dlopen', ...common, api, library: libraryPath(code, library.libName), flags: flagsSource(code, api) };

  if (pkg !== library && pkg.dependencies.some((d) => d.package === library.name && d.kind === 'normal')) return { kind: 'linked', ...common, through: 'dependency' };
  if (new RegExp(`#\\[link\\(\\s*name\\s*=\\s*"${library.libName}"`).test(code)) {
    return { kind: 'linked', ...common, through: '#[link]', ...profileOf(pkg.buildScript ? readText(join(root, pkg.buildScript)) : '') };
  }
  const script = pkg.buildScript ? withoutComments(readText(join(root, pkg.buildScript))) : '';
  if (new RegExp(`rustc-link-lib=(?:dylib=)?${library.libName}\\b`).test(script)) return { kind: 'linked', ...common, through: 'build script', ...profileOf(script) };
  return undefined;
}

/** `std::env::args()` (or args_os) means the program takes its inputs from its command line. */
const readsArguments = (code: string) => /\bargs(_os)?\s*\(\s*\)/.test(code);

function libraryPath(code: string, libName: string): LibraryPath {
  if (readsArguments(code)) return { from: 'argument' };
  const literal = [...code.matchAll(/"([^"\\]*\.so(?:\.\d+)*)"/g)].map((m) => m[1]!).find((path) => path.endsWith(`lib${libName}.so`));
  if (!literal) return { from: 'unknown' };
  return { from: 'code', path: literal, ...profileOf(literal) };
}

function flagsSource(code: string, api: DlopenHost['api']): FlagsSource {
  // Flag names in string literals are parsed from somewhere: the command line, if it reads one.
  if (readsArguments(code) && /"[^"]*RTLD_(GLOBAL|LOCAL|NOW|LAZY)/.test(code)) return { from: 'argument' };
  const explicit = api === 'dlopen' || (api === 'dlopen2' && /\bopen_with_flags\s*\(/.test(code)) || (api === 'libloading' && /\bLibrary::open\s*\(/.test(code));
  if (!explicit) return { from: 'defaults', flags: CRATE_DEFAULT_FLAGS };
  return { from: 'code', global: /\bRTLD_GLOBAL\b/.test(code) };
}

function profileOf(text: string): { profile?: Profile } {
  const profile = /target\/(debug|release)\b/.exec(text)?.[1] as Profile | undefined;
  return profile ? { profile } : {};
}

/** C and C++ sources in the project that call dlopen(): host programs built some other way. */
export function findCHosts(root: string): CHost[] {
  const found: CHost[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 6) return;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (NEVER_COPIED.includes(name) || name.startsWith('.')) continue;
      const path = join(dir, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (stat?.isDirectory()) walk(path, depth + 1);
      else if (stat?.isFile() && /\.(c|cc|cpp|cxx)$/.test(name) && stat.size < 1_000_000 && /\bdlopen\s*\(/.test(withoutComments(readText(path)))) {
        found.push({ kind: 'c', source: relative(root, path) });
      }
    }
  };
  walk(root, 0);
  return found;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Comments blanked (lines kept), so commented-out code says nothing about the program. */
export function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (comment) => comment.replace(/[^\n]/g, ' '));
}
