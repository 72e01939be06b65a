import { gunzipSync } from 'node:zlib';

/**
 * The regular files of a gzipped tar (a Helm chart .tgz), by path. Enough of the format for what chart tools write:
 * ustar names with their prefix field, GNU long names ('L') and pax path records ('x'); sizes in octal or base-256.
 * Format: https://www.gnu.org/software/tar/manual/html_node/Standard.html and POSIX pax
 * (https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_01).
 */
export function tgzMembers(tgz: Uint8Array): Map<string, Buffer> {
  return tarMembers(gunzipSync(tgz));
}

const BLOCK = 512;

export function tarMembers(tar: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let at = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  while (at + BLOCK <= tar.length) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    if (!checksumMatches(header)) throw new Error(`not a tar archive: bad header checksum at byte ${at}`);
    const size = numberField(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] ?? 0);
    const body = tar.subarray(at + BLOCK, at + BLOCK + size);
    if (body.length < size) throw new Error(`truncated tar archive: member at byte ${at} needs ${size} bytes`);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = cString(body);
      continue;
    }
    if (type === 'x') {
      paxPath = paxRecords(body).get('path') ?? paxPath;
      continue;
    }
    const magic = header.subarray(257, 262).toString('latin1');
    const prefix = magic === 'ustar' ? cString(header.subarray(345, 500)) : '';
    const name = paxPath ?? longName ?? (prefix ? `${prefix}/${cString(header.subarray(0, 100))}` : cString(header.subarray(0, 100)));
    longName = undefined;
    paxPath = undefined;
    // '0' and NUL are regular files; directories, links and the rest are not members we can hand out.
    if (type === '0' || type === '\0') files.set(name.replace(/^\.\//, ''), Buffer.from(body));
  }
  return files;
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8');
}

function numberField(bytes: Buffer): number {
  const first = bytes[0] ?? 0;
  if (first & 0x80) {
    // base-256 (GNU): big-endian two's complement with the top bit as the marker
    let n = first & 0x7f;
    for (const b of bytes.subarray(1)) n = n * 256 + b;
    return n;
  }
  const text = cString(bytes).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumMatches(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
  return sum === numberField(header.subarray(148, 156));
}

/** Pax extended header records: "<length> <key>=<value>\n" each. */
function paxRecords(body: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    if (space < 0) break;
    const length = parseInt(body.subarray(at, space).toString('latin1'), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = body.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}
