/**
 * Versions as the tools report them (captured stdout of the version operations), not the pins.
 * `kind version` → "kind v0.32.0 go1.25.1 linux/amd64"; `kubectl version --client -o json` → clientVersion.gitVersion.
 */
export function parseToolVersions(captured: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const kind = captured.get('kind');
  if (kind !== undefined) out.kind = /\bv\d+\.\d+\.\d+\S*/.exec(kind)?.[0] ?? kind.trim();
  const kubectl = captured.get('kubectl');
  if (kubectl !== undefined) {
    try {
      out.kubectl = (JSON.parse(kubectl) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ?? 'unknown';
    } catch {
      out.kubectl = 'unknown';
    }
  }
  return out;
}
