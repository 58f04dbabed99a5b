/**
 * DHCP data re-encoded for the ERX VSAs. ERX-Dhcp-Options carries the client's options as
 * option TLVs (code, length, value); one attribute holds at most 247 bytes (255 − 2 − 6 for
 * the Vendor-Specific wrapper), so the TLV stream is cut into 247-byte pieces sent as
 * repeated attributes in order; a receiver concatenates them (TLVs may straddle a cut).
 */

/** Value bytes of one ERX attribute. */
export const ERX_CHUNK = 247;

/** "0a1b", "0a:1b" or "0a-1b" → bytes; undefined for anything else. */
export function hexBytes(text: string): Buffer | undefined {
  const plain = text.replace(/[:-]/g, '');
  if (plain.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(plain)) return undefined;
  return Buffer.from(plain, 'hex');
}

/** Appends code,len,value; a value over 255 bytes becomes several TLVs of the same code (RFC 3396). */
function pushTlv(out: number[], code: number, value: Buffer): void {
  let at = 0;
  do {
    const piece = value.subarray(at, at + 255);
    out.push(code, piece.length, ...piece);
    at += 255;
  } while (at < value.length);
}

/**
 * The options (code → plain hex, as events carry them) as one TLV stream. Events keep
 * options in a record, which has lost the wire order: codes go out in ascending order. Pad
 * (0), end (255), non-numeric codes and non-hex values are left out.
 */
export function encodeDhcpOptions(options: Readonly<Record<string, string>>): Buffer {
  const out: number[] = [];
  const codes = Object.keys(options)
    .filter((k) => /^\d{1,3}$/.test(k) && Number(k) >= 1 && Number(k) <= 254)
    .map(Number)
    .sort((a, b) => a - b);
  for (const code of codes) {
    const value = hexBytes(options[String(code)]!);
    if (value !== undefined) pushTlv(out, code, value);
  }
  return Buffer.from(out);
}

/** Option 82's value from its circuit-id (sub-option 1) and remote-id (2), or undefined when neither is known. */
export function encodeOption82(circuitId: string | null, remoteId: string | null): Buffer | undefined {
  const out: number[] = [];
  for (const [sub, hex] of [[1, circuitId], [2, remoteId]] as const) {
    const value = hex === null ? undefined : hexBytes(hex);
    // A sub-option holds at most 255 bytes; a longer one cannot have come off the wire.
    if (value !== undefined && value.length > 0 && value.length <= 255) out.push(sub, value.length, ...value);
  }
  return out.length > 0 ? Buffer.from(out) : undefined;
}

/** `data` in pieces of at most `size` bytes, in order (none for empty data). */
export function chunk(data: Buffer, size = ERX_CHUNK): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) pieces.push(data.subarray(at, at + size));
  return pieces;
}
