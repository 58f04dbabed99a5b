/**
 * Option 81, Client FQDN (RFC 4702 §2): flags, two deprecated RCODE octets, then the name —
 * in DNS wire format when the E flag is set, else (deprecated) ASCII.
 */
export interface ClientFqdn {
  flags: number;
  /** The name, dotted; undefined when the wire-format name is malformed. */
  name: string | undefined;
}

const FLAG_E = 0x04;

export function parseClientFqdn(value: Buffer): ClientFqdn | undefined {
  if (value.length < 3) return undefined;
  const flags = value[0]!;
  const nameBytes = value.subarray(3);
  if ((flags & FLAG_E) === 0) return { flags, name: nameBytes.toString('latin1') };
  return { flags, name: parseDnsName(nameBytes) };
}

/** Uncompressed DNS wire-format name (RFC 1035 §3.1); a partial name (no root label) is allowed. */
function parseDnsName(bytes: Buffer): string | undefined {
  const labels: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    const length = bytes[i]!;
    if (length === 0) break;
    if (length > 63 || i + 1 + length > bytes.length) return undefined;
    labels.push(bytes.toString('latin1', i + 1, i + 1 + length));
    i += 1 + length;
  }
  return labels.join('.');
}
