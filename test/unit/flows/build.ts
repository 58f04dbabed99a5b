/** Hand-built IPFIX / NetFlow v9 messages for the cases no real exporter sends on purpose. */
export const EXPORT_SECS = 1_800_000_000;

const u16 = (n: number) => Buffer.from([(n >> 8) & 255, n & 255]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

export type FieldSpec = [ie: number, length: number, enterprise?: number];

function specs(fields: FieldSpec[], enterprise: boolean): Buffer {
  return Buffer.concat(fields.map(([ie, length, pen]) => (enterprise && pen !== undefined ? Buffer.concat([u16(ie | 0x8000), u16(length), u32(pen)]) : Buffer.concat([u16(ie), u16(length)]))));
}

export function set(id: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([u16(id), u16(body.length + 4), body]);
}

export function ipfixTemplate(id: number, fields: FieldSpec[]): Buffer {
  return Buffer.concat([u16(id), u16(fields.length), specs(fields, true)]);
}

export function ipfixOptionsTemplate(id: number, scopeCount: number, fields: FieldSpec[]): Buffer {
  return Buffer.concat([u16(id), u16(fields.length), u16(scopeCount), specs(fields, true)]);
}

/** Withdrawal record: a template id with no fields. */
export const withdrawal = (id: number) => Buffer.concat([u16(id), u16(0)]);

export function ipfix(sets: Buffer[], options: { domain?: number; exportSecs?: number; length?: number } = {}): Buffer {
  const body = Buffer.concat(sets);
  return Buffer.concat([u16(10), u16(options.length ?? body.length + 16), u32(options.exportSecs ?? EXPORT_SECS), u32(1), u32(options.domain ?? 0), body]);
}

export function v9Template(id: number, fields: FieldSpec[]): Buffer {
  return Buffer.concat([u16(id), u16(fields.length), specs(fields, false)]);
}

export function v9(sets: Buffer[], options: { sysUptime?: number; unixSecs?: number; sourceId?: number } = {}): Buffer {
  return Buffer.concat([u16(9), u16(sets.length), u32(options.sysUptime ?? 60_000), u32(options.unixSecs ?? EXPORT_SECS), u32(1), u32(options.sourceId ?? 0), ...sets]);
}

export const ip = (text: string) => Buffer.from(text.split('.').map(Number));
export const mac = (text: string) => Buffer.from(text.split(':').map((h) => parseInt(h, 16)));
export { u16, u32 };
export const u64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
};
/** IPFIX variable-length encoding (RFC 7011 §7): 1 byte, or 255 then 2 bytes. */
export const varlen = (data: Buffer) => Buffer.concat([data.length < 255 ? Buffer.from([data.length]) : Buffer.concat([Buffer.from([255]), u16(data.length)]), data]);
