// Node.js >= 20: what package.json's `engines` asks for (the harness uses Node 20 APIs).
import type { Check } from './check.ts';

export const MIN_NODE_MAJOR = 20;

export function nodeCheck(version = process.versions.node): Check {
  return {
    name: 'node',
    async run() {
      const major = Number(version.split('.')[0]);
      return major >= MIN_NODE_MAJOR
        ? { status: 'ok', what: `Node.js ${version}` }
        : {
            status: 'fail',
            what: `Node.js ${version} is too old: dlmatrix needs ${MIN_NODE_MAJOR} or later`,
            fix: `install Node.js ${MIN_NODE_MAJOR}+ (Debian trixie's nodejs package, or a release from nodejs.org)`,
          };
    },
  };
}
