// The exit codes `dlmatrix` promises (README, "Exit codes").
export const EXIT = {
  ok: 0, // every cell met its expectation
  failed: 1, // at least one cell did not
  usage: 2, // bad matrix file or bad arguments
  infrastructure: 3, // no Docker engine answering
  reports: 4, // a report file could not be written (which file and why is printed)
  interrupted: 130, // Ctrl-C (results gathered so far are written)
} as const;
