// Cells read from a file repeat the same values many times: axis values, environments, expected
// outcomes, versions, and often whole outputs (every loader of an environment prints the same
// traceback). JSON.parse makes a fresh copy of each; reading 100,000 cells keeps one copy of
// each distinct value instead, which is what lets `report` and `merge` stay within their memory.
import type { CellResult } from './run-results.ts';

export class SharedValues {
  private readonly strings = new Map<string, string>();
  private readonly objects = new Map<string, unknown>();

  /** The same cell, its repeated values replaced by shared copies (the cell is changed in place). */
  cell(cell: CellResult): CellResult {
    cell.axes = this.object(Object.entries(cell.axes).join('\u0000'), () => Object.fromEntries(Object.entries(cell.axes).map(([k, v]) => [this.string(k), this.string(v)])) as CellResult['axes']);
    cell.environment = this.string(cell.environment);
    cell.expected = this.object(cell.expected.join('\u0000'), () => cell.expected);
    cell.resolved = this.object(JSON.stringify(cell.resolved), () => cell.resolved);
    if (cell.reason !== undefined) cell.reason = this.string(cell.reason);
    if (cell.symbol !== undefined) cell.symbol = this.string(cell.symbol);
    // Modules hold tracebacks: their texts are shared, not looked up as a whole.
    if (cell.modules !== undefined) cell.modules = cell.modules.map((module) => this.sharedStrings(module));
    if (cell.command !== undefined) cell.command = cell.command.map((part) => this.string(part));
    cell.output = { ...cell.output, stdout: this.string(cell.output.stdout), stderr: this.string(cell.output.stderr) };
    return cell;
  }

  string(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    this.strings.set(value, value);
    return value;
  }

  /** A flat object with its string values shared. */
  private sharedStrings<T extends object>(value: T): T {
    for (const [key, field] of Object.entries(value)) if (typeof field === 'string') (value as Record<string, unknown>)[key] = this.string(field);
    return value;
  }

  /** One shared copy per distinct key (treated as read-only by every reader). */
  private object<T>(key: string, make: () => T): T {
    const known = this.objects.get(key);
    if (known !== undefined) return known as T;
    const made = make();
    this.objects.set(key, made);
    return made;
  }
}
