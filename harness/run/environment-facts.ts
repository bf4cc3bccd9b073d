// What an environment image knows about itself: the build scripts write one file per fact under
// /opt/dlmatrix/facts (docker/scripts/common.sh, build-project.py), read once per environment.
export interface EnvironmentFacts {
  python?: string;
  numpy?: string;
  node?: string;
  rustc?: string;
  os?: string;
  /** The environment's shared libpython (what mitigation `preload` preloads). */
  libpython?: string;
  /** Set when the environment cannot exist: every cell is skipped with this reason. */
  skip?: string;
  /** The built library and the project folder of each variant (plain, promote). */
  libraries: Record<string, string>;
  projects: Record<string, string>;
}

export const FACTS_DIR = '/opt/dlmatrix/facts';

export function parseFacts(files: ReadonlyMap<string, Buffer>): EnvironmentFacts {
  const raw = new Map([...files].map(([name, content]) => [name.replace(/^.*\//, ''), content.toString('utf8').replace(/\s+/g, ' ').trim()]));
  const byVariant = (prefix: string) =>
    Object.fromEntries([...raw].filter(([name]) => name.startsWith(prefix)).map(([name, value]) => [name.slice(prefix.length), value]));
  return {
    python: raw.get('python'),
    numpy: raw.get('numpy'),
    node: raw.get('node'),
    rustc: raw.get('rustc'),
    os: raw.get('distro'),
    libpython: raw.get('libpython'),
    skip: raw.get('skip'),
    libraries: byVariant('library_'),
    projects: byVariant('project_'),
  };
}
