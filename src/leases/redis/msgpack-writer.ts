/**
 * A minimal MessagePack writer (arrays of strings only) for the commit-transitions script,
 * which reads its batch with Redis' built-in `cmsgpack.unpack`. Why: a batch is a few
 * thousand small strings; sent as separate command arguments, ioredis measures, concatenates
 * and re-encodes each (most of the store's CPU in Node); written once into one buffer they
 * cost a single copy. Numbers are written as their decimal text (`String(n)`): Lua numbers
 * would lose digits on the way back into Redis commands.
 *
 * Headers are not minimal (str8/str16/str32 and array32 by upper bound): valid MessagePack.
 */
export class MsgpackWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Starts an array of `n` items (written next). */
  array(n: number): this {
    this.ensure(5);
    this.buf[this.pos] = 0xdd;
    this.buf.writeUInt32BE(n, this.pos + 1);
    this.pos += 5;
    return this;
  }

  /** A string (UTF-8), or a number as its decimal text. */
  str(value: string | number): this {
    const text = typeof value === 'string' ? value : String(value);
    const max = text.length * 3; // UTF-8 bytes of a JS string are at most 3 per UTF-16 unit
    const head = max < 0x100 ? 2 : max < 0x10000 ? 3 : 5;
    this.ensure(head + max);
    const n = this.buf.write(text, this.pos + head, 'utf8');
    if (head === 2) {
      this.buf[this.pos] = 0xd9;
      this.buf[this.pos + 1] = n;
    } else if (head === 3) {
      this.buf[this.pos] = 0xda;
      this.buf.writeUInt16BE(n, this.pos + 1);
    } else {
      this.buf[this.pos] = 0xdb;
      this.buf.writeUInt32BE(n, this.pos + 1);
    }
    this.pos += head + n;
    return this;
  }

  /** The bytes written so far (a view of the writer's buffer: do not write after). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}
