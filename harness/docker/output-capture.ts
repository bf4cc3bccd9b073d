// Collects a stream's bytes up to a cap, so a loader that floods its output cannot exhaust memory.
const DEFAULT_MAX_BYTES = 1024 * 1024;

export class OutputCapture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly maxBytes = DEFAULT_MAX_BYTES) {}

  push(chunk: Buffer): void {
    const room = this.maxBytes - this.size;
    if (room <= 0) {
      this.dropped += chunk.length;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
    this.dropped += chunk.length - kept.length;
  }

  text(): string {
    const text = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped > 0 ? `${text}\n[dlmatrix: ${this.dropped} more bytes dropped]\n` : text;
  }
}
