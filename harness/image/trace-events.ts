// The import trace (docker/runtime/trace/sitecustomize.py): one JSON object per line, appended by
// every Python started in a cell. The runner hands the lines over as parsed objects; a line it
// could not parse arrives as a `garbled` event, and an event of the wrong shape is reported as
// one too (parseTraceEvents), so the rest of the trace still counts.
import { CONTRACT_SCHEMA, definition } from './contract-schema.ts';
import { schemaProblem } from './schema-check.ts';

export interface ExceptionLink {
  type: string;
  message: string;
}

export type TraceEvent =
  | { event: 'start'; pid?: number; python?: string; executable?: string }
  | { event: 'extension-failed'; module: string; path?: string | null; error: string }
  | { event: 'import-start'; module: string }
  | { event: 'import'; module: string; ok: true; version?: string }
  | { event: 'import'; module: string; ok: false; chain?: ExceptionLink[]; traceback?: string }
  | { event: 'garbled'; text?: string };

/** Each event checked against the contract; one of the wrong shape becomes `garbled`, naming its problem. */
export function parseTraceEvents(values: readonly unknown[]): TraceEvent[] {
  return values.map((value) => {
    const problem = schemaProblem(value, definition('traceEvent'), CONTRACT_SCHEMA);
    return problem ? { event: 'garbled', text: `${problem}: ${JSON.stringify(value).slice(0, 200)}` } : (value as TraceEvent);
  });
}
