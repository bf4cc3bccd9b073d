// What `dlmatrix doctor` is made of: small checks, each answering "is this part of a run's needs
// in place?" with one line, and some able to put it in place (`--fix`).
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  status: CheckStatus;
  /** What was found, e.g. "Docker engine 20.10.24 answers at /var/run/docker.sock (API 1.41)". */
  what: string;
  /** How to fix it, for warn and fail. */
  fix?: string;
}

export interface Check {
  /** Short id, e.g. "docker-engine". */
  name: string;
  run(): Promise<CheckResult>;
  /** Installs or starts what the check needs (as root, on Debian/Ubuntu); run() tells whether it worked. */
  fix?(log: (line: string) => void): Promise<void>;
}

const LABEL: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/** `ok|warn|FAIL  what  (how to fix)`. */
export function formatResult(result: CheckResult): string {
  return `${LABEL[result.status]}  ${result.what}${result.fix ? `  (${result.fix})` : ''}`;
}

/** Runs every check in order; a check that throws is reported as failed, never stops the others. */
export async function runChecks(checks: readonly Check[], onResult: (check: Check, result: CheckResult) => void): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    let result: CheckResult;
    try {
      result = await check.run();
    } catch (err) {
      result = { status: 'fail', what: `${check.name}: the check itself failed: ${(err as Error).message}`, fix: 'please report this' };
    }
    results.push(result);
    onResult(check, result);
  }
  return results;
}

/** Decimal gigabytes, as disk sizes are sold and `df -H` shows them. */
export const GB = 1e9;
