// Reads the regular files of a tar archive (what the engine's archive endpoint returns for
// `docker cp`): ustar headers, with GNU long names and pax `path` records, which is all the
// engine writes. Used to read small files, such as an image's facts, without starting it.

const BLOCK = 512;

export function readTar(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const size = parseOctal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] || 0x30);
    const prefix = cString(header.subarray(345, 500));
    const name = longName ?? (prefix ? `${prefix}/${cString(header.subarray(0, 100))}` : cString(header.subarray(0, 100)));
    const body = archive.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    longName = undefined;
    if (type === 'L') longName = cString(body);
    else if (type === 'x') longName = paxPath(body);
    else if (type === '0' || type === '\0' || type === '7') files.set(name.replace(/^\.\//, ''), Buffer.from(body));
  }
  return files;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(end === -1 ? bytes : bytes.subarray(0, end)).toString('utf8');
}

function parseOctal(bytes: Uint8Array): number {
  const text = cString(bytes).trim();
  return text ? parseInt(text, 8) : 0;
}

/** A pax extended header: records "LEN key=value\n"; only `path` matters here. */
function paxPath(body: Uint8Array): string | undefined {
  const text = Buffer.from(body).toString('utf8');
  return /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text)?.[1];
}
