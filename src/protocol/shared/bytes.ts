/**
 * Renders bytes for humans and reports: printable ASCII as is, everything else escaped
 * (\r, \n, \t, \xHH), so a bare LF or a NUL is visible in a failure message.
 */
export function escapeBytes(bytes: Uint8Array, maxLength = 200): string {
  let out = '';
  const end = Math.min(bytes.length, maxLength);
  for (let i = 0; i < end; i++) {
    const b = bytes[i]!;
    if (b === 0x0d) out += '\\r';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  if (bytes.length > maxLength) out += `… (${bytes.length - maxLength} more bytes)`;
  return out;
}
