/**
 * Route-map regexes are operator input run against hostile wire data, once per activation:
 * they are compiled once at load, capped in length, and refused when they repeat a group
 * that itself holds an unbounded quantifier (`(a+)+`, `(x*y)*`): the classic shape of
 * catastrophic backtracking. The check is cheap and conservative, not a proof; inputs are
 * also short (a DHCP option is at most 255 bytes).
 */

export const MAX_REGEX_LENGTH = 256;

/** A compiled RegExp, or a string saying what is wrong. */
export function compileRegex(pattern: string, flags = ''): RegExp | string {
  const quoted = JSON.stringify(pattern);
  if (pattern.length > MAX_REGEX_LENGTH) return `regular expression is longer than ${MAX_REGEX_LENGTH} characters`;
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, flags);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(error);
    return `${quoted} is not a valid regular expression: ${reason}`;
  }
  if (hasNestedUnboundedQuantifier(pattern)) {
    return `${quoted} repeats a group that contains an unbounded quantifier (catastrophic backtracking risk); bound the outer repetition, e.g. {1,8}`;
  }
  return regex;
}

/** The quantifier starting at `i` (with its lazy `?`), and whether it is unbounded (`*`, `+`, `{n,}`); null if none. */
function quantifierAt(pattern: string, i: number): { length: number; unbounded: boolean } | null {
  const c = pattern[i];
  if (c === '*' || c === '+') return { length: lazy(pattern, i + 1) + 1, unbounded: true };
  if (c === '?') return { length: lazy(pattern, i + 1) + 1, unbounded: false };
  if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
    if (m) return { length: m[0].length + lazy(pattern, i + m[0].length), unbounded: m[2] !== undefined && m[3] === '' };
  }
  return null;
}

function lazy(pattern: string, i: number): number {
  return pattern[i] === '?' ? 1 : 0;
}

export function hasNestedUnboundedQuantifier(pattern: string): boolean {
  // One flag per open group: does it contain an unbounded quantifier (at any depth)?
  const groups: boolean[] = [false];
  let closedGroupHasUnbounded = false;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    const afterGroup = closedGroupHasUnbounded;
    closedGroupHasUnbounded = false;
    if (c === '\\') {
      i += 2;
    } else if (c === '[') {
      i = skipClass(pattern, i);
    } else if (c === '(') {
      groups.push(false);
      i += pattern[i + 1] === '?' ? 2 : 1; // `(?:`, `(?=`, `(?<name>`: the `?` is not a quantifier
    } else if (c === ')') {
      const inner = groups.length > 1 ? groups.pop()! : false;
      if (inner) groups[groups.length - 1] = true;
      closedGroupHasUnbounded = inner;
      i += 1;
    } else {
      const q = quantifierAt(pattern, i);
      if (q) {
        if (q.unbounded && afterGroup) return true;
        if (q.unbounded) groups[groups.length - 1] = true;
        i += q.length;
      } else {
        i += 1;
      }
    }
  }
  return false;
}

/** Index just past the character class opening at `start`. */
function skipClass(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
  return i + 1;
}
