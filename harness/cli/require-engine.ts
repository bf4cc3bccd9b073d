// Every command that needs Docker starts the same way: is an engine there? If not, the advice
// of how to start one, and exit 3.
import { EngineUnavailableError, type Engine } from '../docker/container-client.ts';
import { EXIT } from './exit-codes.ts';

/** undefined when the engine answers; else the exit code, after saying why. */
export async function requireEngine(client: Engine): Promise<number | undefined> {
  try {
    await client.ping();
    return undefined;
  } catch (error) {
    if (!(error instanceof EngineUnavailableError)) throw error;
    process.stderr.write(`dlmatrix: ${error.message}\n`);
    return EXIT.infrastructure;
  }
}
