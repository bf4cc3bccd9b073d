// GitHub Actions workflow commands (`::error title=…::message`), escaped as the runner parses
// them (the rules of @actions/core): in the message `%`, `\r` and `\n`; in a property also `:`
// and `,`, which would otherwise end it. Captured text is untrusted, so it is sanitised first: a
// cell's output can never start a command of its own.
import { sanitizeText } from './text.ts';

export function escapeData(text: string): string {
  return sanitizeText(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function workflowCommand(command: 'error' | 'warning' | 'notice', properties: Record<string, string>, message: string): string {
  const props = Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',');
  return `::${command}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}
