/**
 * DATA transparency (RFC 5321 §4.5.2): "Before sending a line of mail text, the SMTP client checks
 * the first character of the line. If it is a period, one additional period is inserted at the
 * beginning of the line." Every SMTP module sends or reads message content through these two; the
 * stuffing itself is shared with POP3 (protocol/shared/byte-stuffing.ts).
 */
import { stuffMessage, unstuffMessage } from '../shared/byte-stuffing.js';

/** The message as sent after a 354 reply, <CRLF>.<CRLF> included (§4.1.1.4). */
export const encodeDataBody = stuffMessage;

/** Mail data as a server decodes it (§4.5.2). */
export const decodeDataBody = unstuffMessage;
