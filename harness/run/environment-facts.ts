// What an environment image knows about itself: the build scripts write one file per fact under
// /opt/dlmatrix/facts (docker/scripts/common.sh); they are read once per container.
import type { ContainerClient } from '../docker/container-client.ts';

export interface EnvironmentFacts {
  python?: string;
  numpy?: string;
  node?: string;
  rustc?: string;
  os?: string;
  /** Set when the environment cannot exist: every cell is skipped with this reason. */
  skip?: string;
  /** Set when the node loader cannot run here (e.g. Node.js too old for koffi). */
  unavailableNode?: string;
}

const READ_FACTS = 'cd /opt/dlmatrix/facts 2>/dev/null && for f in *; do printf "%s=%s\\n" "$f" "$(tr "\\n" " " < "$f")"; done';

export async function readEnvironmentFacts(client: ContainerClient, containerId: string): Promise<EnvironmentFacts> {
  const result = await client.exec(containerId, { cmd: ['sh', '-c', READ_FACTS], timeoutMs: 30_000 });
  return parseFacts(result.stdout);
}

export function parseFacts(text: string): EnvironmentFacts {
  const raw = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) raw.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  return {
    python: raw.get('python'),
    numpy: raw.get('numpy'),
    node: raw.get('node'),
    rustc: raw.get('rustc'),
    os: raw.get('distro'),
    skip: raw.get('skip'),
    unavailableNode: raw.get('unavailable_node'),
  };
}
