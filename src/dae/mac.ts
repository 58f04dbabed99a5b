/**
 * Calling-Station-Id as policy servers write MACs: 02:00:00:00:01:01, 02-00-00-00-01-01,
 * 0200.0000.0101, 020000000101, any case. Bindings keep the lower-case colon form.
 */
const FORMS = [
  /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/i,
  /^([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})$/i,
  /^([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i,
];

/** The lower-case colon form, or undefined when `text` is no MAC in a form we know. */
export function normalizeMac(text: string): string | undefined {
  const trimmed = text.trim();
  for (const form of FORMS) {
    const m = form.exec(trimmed);
    // A separator must be used consistently: 02:00-00… is a typo, not a MAC.
    if (m && (form !== FORMS[0] || new Set(trimmed.replace(/[0-9a-f]/gi, '')).size === 1)) return m.slice(1).join(':').toLowerCase();
  }
  return undefined;
}
