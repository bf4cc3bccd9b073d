// BuildKit reports build progress as `moby.buildkit.trace` events whose `aux` is a base64
// protobuf `moby.buildkit.v1.StatusResponse`. Only what a build log needs is decoded here: the
// steps (vertexes: name, cached, error) and the output lines of their processes (logs).
// Wire format: https://protobuf.dev/programming-guides/encoding/ ; message definitions:
// github.com/moby/buildkit api/services/control/control.proto.

export interface BuildStep {
  digest: string;
  name: string;
  cached: boolean;
  started: boolean;
  completed: boolean;
  error?: string;
}

export interface BuildLog {
  digest: string;
  /** 1 stdout, 2 stderr. */
  stream: number;
  text: string;
}

export interface BuildStatus {
  steps: BuildStep[];
  logs: BuildLog[];
}

type Field = { number: number; varint?: bigint; bytes?: Uint8Array };

/** Decodes one StatusResponse; malformed input yields what could be read before the fault. */
export function decodeBuildStatus(base64: string): BuildStatus {
  const status: BuildStatus = { steps: [], logs: [] };
  for (const field of fields(Buffer.from(base64, 'base64'))) {
    if (field.number === 1 && field.bytes) status.steps.push(decodeVertex(field.bytes));
    else if (field.number === 3 && field.bytes) status.logs.push(decodeLog(field.bytes));
  }
  return status;
}

function decodeVertex(bytes: Uint8Array): BuildStep {
  const step: BuildStep = { digest: '', name: '', cached: false, started: false, completed: false };
  for (const field of fields(bytes)) {
    if (field.number === 1) step.digest = text(field.bytes);
    else if (field.number === 3) step.name = text(field.bytes);
    else if (field.number === 4) step.cached = field.varint === 1n;
    else if (field.number === 5) step.started = true;
    else if (field.number === 6) step.completed = true;
    else if (field.number === 7) step.error = text(field.bytes);
  }
  return step;
}

function decodeLog(bytes: Uint8Array): BuildLog {
  const log: BuildLog = { digest: '', stream: 1, text: '' };
  for (const field of fields(bytes)) {
    if (field.number === 1) log.digest = text(field.bytes);
    else if (field.number === 3) log.stream = Number(field.varint ?? 1n);
    else if (field.number === 4) log.text = text(field.bytes);
  }
  return log;
}

function text(bytes: Uint8Array | undefined): string {
  return bytes ? Buffer.from(bytes).toString('utf8') : '';
}

function* fields(buffer: Uint8Array): Generator<Field> {
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (offset >= buffer.length) throw new RangeError('truncated varint');
      const byte = buffer[offset++];
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  try {
    while (offset < buffer.length) {
      const key = varint();
      const number = Number(key >> 3n);
      switch (Number(key & 7n)) {
        case 0:
          yield { number, varint: varint() };
          break;
        case 1:
          offset += 8;
          break;
        case 2: {
          const length = Number(varint());
          if (offset + length > buffer.length) return;
          yield { number, bytes: buffer.subarray(offset, offset + length) };
          offset += length;
          break;
        }
        case 5:
          offset += 4;
          break;
        default:
          return; // groups (3, 4) are not used by BuildKit: stop rather than misread
      }
    }
  } catch {
    // A truncated message: keep what was decoded.
  }
}
