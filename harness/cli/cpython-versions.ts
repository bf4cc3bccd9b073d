// The CPython releases a matrix's source builds need (python-build shared, static, standalone),
// wired to where they come from: the matrix's python-sources, the host's Debian mirror (the
// archive fallback), the host cache. Before anything is built, every `python` value of a source
// build must be offered by some source: a typo such as "3.13.55" is an error at its position,
// naming what is available, never a skipped or failed environment an hour later.
import { findDebianMirror } from '../docker/apt-mirror.ts';
import { CpythonSources, CpythonVersionError } from '../cpython/cpython-sources.ts';
import type { MatrixConfig, MatrixDiagnostic } from '../matrix/types.ts';
import type { Plan } from '../plan/plan.ts';
import { defaultCacheDir } from '../pypi/package-index.ts';

/** The sources of CPython tarballs, or undefined when the plan builds none from source. */
export function cpythonSources(config: MatrixConfig, full: Plan, refresh: boolean, log: (line: string) => void): CpythonSources | undefined {
  if (!full.environments.some((e) => e.pythonBuild !== 'distro')) return undefined;
  return new CpythonSources({
    mirror: findDebianMirror(),
    urlTemplate: config.options.pythonSources?.url,
    pins: config.options.pythonSources?.sha256,
    cacheDir: defaultCacheDir(),
    refresh,
    log,
  });
}

/** One error per `python` value of a source build that no source offers, at its position. */
export async function cpythonVersionProblems(config: MatrixConfig, full: Plan, sources: CpythonSources): Promise<MatrixDiagnostic[]> {
  const problems = new Map<string, MatrixDiagnostic>();
  for (const environment of full.environments) {
    if (environment.pythonBuild === 'distro' || problems.has(environment.python)) continue;
    try {
      await sources.version(environment.distro, environment.python);
    } catch (error) {
      if (!(error instanceof CpythonVersionError)) throw error;
      const at = config.valuePositions.python?.[environment.python] ?? { file: config.file, line: 1, col: 1 };
      problems.set(environment.python, {
        severity: 'error',
        at,
        message: `${error.message} (for python-build ${environment.pythonBuild} on ${environment.distro})`,
        hint: error.available.length
          ? `available: ${error.available.join(', ')}; or pin another release's sha256 in options.python-sources`
          : 'no source answered: check the network, or give options.python-sources (url and sha256)',
      });
    }
  }
  return [...problems.values()];
}
