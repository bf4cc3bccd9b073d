// The command that reruns one cell, shown in reports so a maintainer can paste it. Cell ids
// contain `|` (RTLD_LOCAL|RTLD_NOW), so they must be quoted for a POSIX shell.

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes `s` for a POSIX shell: single quotes, with `'` written as `'\''`. */
export function shellQuote(s: string): string {
  if (SHELL_SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function rerunCommand(matrixFile: string, cellId: string): string {
  return `npx dlmatrix run --config ${shellQuote(matrixFile)} --cell ${shellQuote(cellId)}`;
}
