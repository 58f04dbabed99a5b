/**
 * A subject seen through the eyes of the match clauses: numeric forms and decoded text,
 * computed at most once per evaluation and only if some clause asks for them.
 */
import { parseIp } from '../packet/addresses.js';
import { hexToLatin1 } from './hex.js';
import { macToNumber } from './mac.js';
import type { RouteMapSubject } from './types.js';

const UNSET = Symbol('unset');
type Lazy<T> = T | typeof UNSET;

export class SubjectView {
  private ipNumber: Lazy<number | null> = UNSET;
  private giaddrNumber: Lazy<number | null> = UNSET;
  private macNumber: Lazy<number | null> = UNSET;
  private circuitText: Lazy<string | null> = UNSET;
  private remoteText: Lazy<string | null> = UNSET;

  constructor(readonly subject: RouteMapSubject) {}

  get ip(): number | null {
    if (this.ipNumber === UNSET) this.ipNumber = ipNumber(this.subject.ip);
    return this.ipNumber;
  }

  get giaddr(): number | null {
    if (this.giaddrNumber === UNSET) this.giaddrNumber = ipNumber(this.subject.giaddr);
    return this.giaddrNumber;
  }

  get mac(): number | null {
    if (this.macNumber === UNSET) this.macNumber = typeof this.subject.mac === 'string' ? macToNumber(this.subject.mac) : null;
    return this.macNumber;
  }

  /** Circuit-id as latin1 text (one char per byte). */
  get circuitId(): string | null {
    if (this.circuitText === UNSET) this.circuitText = text(this.subject.circuitId);
    return this.circuitText;
  }

  get remoteId(): string | null {
    if (this.remoteText === UNSET) this.remoteText = text(this.subject.remoteId);
    return this.remoteText;
  }

  /** Plain hex value of option `code`, or null when absent. */
  option(code: string): string | null {
    const options = this.subject.options;
    if (options === null || typeof options !== 'object' || !Object.hasOwn(options, code)) return null;
    const value = options[code];
    return typeof value === 'string' ? value : null;
  }
}

function ipNumber(ip: unknown): number | null {
  return typeof ip === 'string' ? (parseIp(ip) ?? null) : null;
}

function text(hex: unknown): string | null {
  return typeof hex === 'string' ? hexToLatin1(hex) : null;
}
