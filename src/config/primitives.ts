/**
 * Reusable zod pieces. Messages quote the offending value so an error line is enough to fix
 * the file: `capture.subscriberPrefixes[0]: "10.0.0.0/33" is not an IPv4 prefix`.
 */
import { z } from 'zod';
import { parseIp } from '../packet/addresses.js';
import { parsePrefix } from '../routemap/prefix.js';
import { isHost, parseListen } from './listen.js';

const quote = (value: unknown) => JSON.stringify(value);

export const ipv4 = z.string().refine((v) => parseIp(v) !== undefined, { error: (iss) => `${quote(iss.input)} is not an IPv4 address` });

export const ipv4Prefix = z.string().refine((v) => typeof parsePrefix(v) !== 'string', {
  error: (iss) => parsePrefix(String(iss.input)) as string,
});

export const host = z.string().refine(isHost, { error: (iss) => `${quote(iss.input)} is not a host name or IP address` });

export const listen = z.string().refine((v) => parseListen(v) !== undefined, {
  error: (iss) => `${quote(iss.input)} is not a listen address (host:port, e.g. 127.0.0.1:8080 or [::1]:8080)`,
});

export const port = z.number().int().min(1).max(65535);

/** Names that end up in Redis keys, queue names and job ids: no braces, colons or spaces. */
export const name = z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, { error: (iss) => `${quote(iss.input)} must be 1-32 characters of A-Z a-z 0-9 _ . -` });

export const secret = z.string().min(1, { error: 'must not be empty' });

export const dhcpOptionCode = z.number().int().min(1).max(254);

/** Scalar YAML values (numbers, booleans) where text is meant: `Class: 42` → "42". */
export const text = z.union([z.string(), z.number(), z.boolean()]).transform(String);
