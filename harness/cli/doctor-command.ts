// `dlmatrix doctor [--fix]`: checks what a run needs, one line each with how to fix it; with --fix
// installs and starts what it can (root, Debian/Ubuntu), then checks again.
import { readFileSync } from 'node:fs';
import { DockerodeClient } from '../docker/dockerode-client.ts';
import { parseCommandArgs } from './args.ts';
import { baseImagesCheck } from './doctor/base-images-check.ts';
import { cgroupsCheck } from './doctor/cgroups-check.ts';
import { formatResult, runChecks, type Check, type CheckResult } from './doctor/check.ts';
import { diskCheck } from './doctor/disk-check.ts';
import { engineCheck } from './doctor/engine-check.ts';
import { engineState } from './doctor/engine.ts';
import { httpsCheck } from './doctor/https-check.ts';
import { nodeCheck } from './doctor/node-check.ts';
import { realSystem } from './doctor/system.ts';
import { tlsProbe } from './doctor/tls-probe.ts';
import { EXIT } from './exit-codes.ts';

export const DOCTOR_HELP = `Usage: dlmatrix doctor [--fix]

Checks what \`dlmatrix run\` needs and prints one line per check:
  ok|warn|FAIL  what was found  (how to fix it)

  node          Node.js 20 or later
  cgroups       cgroup v1 or v2 mounted (containers need them)
  docker-engine a Docker engine answers (DOCKER_HOST is honoured), its API version, socket permission
  disk          free space where Docker keeps images (warns under 10 GB)
  base-images   a registry answers, or debootstrap and a Debian mirror in the apt config are there
  https         pypi.org answers over HTTPS; behind an intercepting proxy, SSL_CERT_FILE trusts it

Options:
  --fix        as root on Debian/Ubuntu, install and start what is missing (apt-get install -y
               docker.io debootstrap; start dockerd with systemctl, or in the background with its
               log in /var/log/dockerd.log), then check again
  -h, --help   show this help

Exit codes: 0 nothing failed (warnings allowed), 1 at least one check failed, 2 bad arguments.

Examples:
  npx dlmatrix doctor
  sudo npx dlmatrix doctor --fix
`;

/** A fresh set of checks: each pass asks the engine again. */
export type CheckFactory = () => Check[];

export function defaultChecks(): Check[] {
  const client = new DockerodeClient();
  const probe = () => client.engineInfo();
  const state = engineState(probe);
  return [
    nodeCheck(),
    cgroupsCheck({ state, mounts: () => readFileSync('/proc/mounts', 'utf8'), system: realSystem }),
    engineCheck({ state, probe, system: realSystem }),
    diskCheck({ state }),
    baseImagesCheck({ state, system: realSystem }),
    httpsCheck({ probe: tlsProbe() }),
  ];
}

export async function doctorCommand(argv: string[], makeChecks: CheckFactory = defaultChecks): Promise<number> {
  const { values } = parseCommandArgs('doctor', argv, { fix: { type: 'boolean', default: false } });
  if (values.help) {
    process.stdout.write(DOCTOR_HELP);
    return EXIT.ok;
  }
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const pass = () => runChecks(makeChecks(), (_, result) => print(formatResult(result)));

  const checks = makeChecks();
  const failed: Check[] = [];
  await runChecks(checks, (check, result) => {
    print(formatResult(result));
    if (result.status === 'fail') failed.push(check);
  });
  if (!values.fix || failed.length === 0) return exitCode(failed.length);

  const fixable = failed.filter((check) => check.fix);
  if (fixable.length === 0) {
    print('\n--fix: nothing here that dlmatrix can install or start; see the hints above');
    return EXIT.failed;
  }
  for (const check of fixable) {
    print(`\nfixing ${check.name}:`);
    try {
      await check.fix!((line) => print(`  ${line}`));
    } catch (err) {
      print(`  could not fix ${check.name}: ${(err as Error).message}`);
    }
  }
  print('\nafter --fix:');
  const again: CheckResult[] = await pass();
  return exitCode(again.filter((r) => r.status === 'fail').length);
}

const exitCode = (failures: number) => (failures > 0 ? EXIT.failed : EXIT.ok);
