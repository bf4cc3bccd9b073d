// Something that crossed from an image (a manifest, a runner reply, a trace event) is not what
// the contract says: a bug or a stale image, never the library's outcome. Names where it came
// from and which field is wrong.
export class ContractError extends Error {
  constructor(
    /** Where the value came from, e.g. `manifest.json of dlmatrix/env:...`. */
    readonly source: string,
    /** What is wrong, as `field: problem`. */
    readonly problem: string,
  ) {
    super(`${source}: ${problem}`);
  }
}
