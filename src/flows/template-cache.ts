/**
 * Templates per Transport Session and observation domain (RFC 7011 §8: an IPFIX exporter's
 * templates belong to its UDP session — address and port — and observation domain; RFC 3954
 * §5.1: a v9 exporter's to its address and source id). Over UDP a template lives until it is
 * withdrawn, redefined, or not refreshed for `timeoutMs` (RFC 7011 §8.4); the cache is
 * bounded so an exporter sending endless new template ids cannot grow it without limit.
 */
import type { Template } from './template.js';

interface Entry {
  template: Template;
  refreshedAt: number;
}

interface Session {
  templates: Map<number, Entry>;
  /** IPFIX systemInitTimeMilliseconds from an options record: the base of flow*SysUpTime. */
  systemInitMs: number | undefined;
}

export class TemplateCache {
  private readonly sessions = new Map<string, Session>();
  private count = 0;
  expired = 0;
  withdrawn = 0;

  constructor(
    private readonly timeoutMs: number,
    private readonly limit: number,
  ) {}

  /** Templates held now. */
  get size(): number {
    return this.count;
  }

  get(session: string, id: number, now: number): Template | undefined {
    const s = this.sessions.get(session);
    const entry = s?.templates.get(id);
    if (!entry) return undefined;
    if (now - entry.refreshedAt > this.timeoutMs) {
      this.remove(session, s!, id);
      this.expired++;
      return undefined;
    }
    return entry.template;
  }

  /** Adds or refreshes a template; false when the cache is full. */
  set(session: string, template: Template, now: number): boolean {
    let s = this.sessions.get(session);
    const existing = s?.templates.get(template.id);
    if (!existing && this.count >= this.limit) {
      this.sweep(now);
      if (this.count >= this.limit) return false;
      s = this.sessions.get(session);
    }
    if (!s) {
      s = { templates: new Map(), systemInitMs: undefined };
      this.sessions.set(session, s);
    }
    if (!s.templates.has(template.id)) this.count++;
    s.templates.set(template.id, { template, refreshedAt: now });
    return true;
  }

  /** RFC 7011 §8.1: a template record with no fields withdraws that template. */
  withdraw(session: string, id: number): void {
    const s = this.sessions.get(session);
    if (s?.templates.has(id)) {
      this.remove(session, s, id);
      this.withdrawn++;
    }
  }

  /** RFC 7011 §8.1: the set id as template id withdraws every (options) template of the session. */
  withdrawAll(session: string, options: boolean): void {
    const s = this.sessions.get(session);
    if (!s) return;
    for (const [id, entry] of s.templates) {
      if (entry.template.options !== options) continue;
      this.remove(session, s, id);
      this.withdrawn++;
    }
  }

  systemInit(session: string): number | undefined {
    return this.sessions.get(session)?.systemInitMs;
  }

  setSystemInit(session: string, ms: number): void {
    const s = this.sessions.get(session);
    if (s) s.systemInitMs = ms;
  }

  /** Drops every template not refreshed within the timeout. */
  sweep(now: number): void {
    for (const [key, s] of this.sessions) {
      for (const [id, entry] of s.templates) {
        if (now - entry.refreshedAt <= this.timeoutMs) continue;
        this.remove(key, s, id);
        this.expired++;
      }
    }
  }

  private remove(key: string, s: Session, id: number): void {
    s.templates.delete(id);
    this.count--;
    if (s.templates.size === 0) this.sessions.delete(key);
  }
}
