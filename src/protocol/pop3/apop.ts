import { createHash } from 'node:crypto';

/**
 * The APOP digest (RFC 1939 §7): "the MD5 algorithm [RFC1321] to a string consisting of the
 * timestamp (including angle-brackets) followed by a shared secret", sent "in hexadecimal format,
 * using lower-case ASCII characters". The timestamp is hashed as the bytes the server sent
 * (latin1, as the parsers decode them), the secret as UTF-8; both are ASCII in the RFC's example.
 */
export function apopDigest(timestamp: string, secret: string): string {
  return createHash('md5').update(Buffer.from(timestamp, 'latin1')).update(secret, 'utf8').digest('hex');
}
