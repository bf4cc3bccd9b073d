// Loaders print their result as one `@@dlmatrix {json}` line, where a Python traceback is a
// single JSON string full of `\n`. Reports show it decoded, beside the raw output, so a reader
// sees the traceback as Python printed it. Display only: verdicts come from harness/verdict.
import { findResultLine } from '../image/result-line.ts';

/** Readable text of the loader's result line, or undefined when there is none to decode. */
export function decodeLoaderOutput(stdout: string): string | undefined {
  const line = findResultLine(stdout.split('\n'));
  if (!line) return undefined;
  if (line.stage === 'entry') return `${line.entry ?? 'entry'}() returned${line.returned === undefined ? '' : ` ${line.returned}`}\n`;
  if (line.stage !== 'probe') return `${line.stage} failed: ${String(line.error)}\n`;
  const report = line.report ?? {};
  const parts = typeof report.fatal === 'string' ? [`python failed: ${report.fatal}`] : [];
  for (const module of Array.isArray(report.modules) ? report.modules : []) {
    if (module.ok === true) {
      parts.push(`import ${module.name}: ok${module.version ? ` (${module.version})` : ''}`);
    } else if (typeof module.traceback === 'string') {
      parts.push(`import ${module.name}: failed\n${module.traceback.trimEnd()}`);
    } else {
      const chain = Array.isArray(module.chain) ? module.chain : [];
      parts.push([`import ${module.name}: failed`, ...chain.map((link) => `${link.type}: ${link.message}`)].join('\n'));
    }
  }
  return parts.length > 0 ? `${parts.join('\n\n')}\n` : undefined;
}
