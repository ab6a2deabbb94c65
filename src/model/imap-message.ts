import { createHash } from 'node:crypto';
import type { ImapContent } from '../protocol/imap/imap-response.js';
import { escapeBytes } from '../protocol/shared/bytes.js';
import { formatFlags, sameFlags } from './imap-flags.js';
import { IMAP_MODEL_RULES, discrepancy, type ImapModelDiscrepancy } from './imap-model-rules.js';

/** One message as the model knows it. Its text and size never change (§2.3.1.1 note 4); its flags do. */
export class ImapModelMessage {
  /** What BODY[] returned the first time, for 8-bit messages (see checkBody). */
  private served: Buffer | undefined;
  /** The first RFC822.SIZE seen while the size was not yet certain. */
  private observedSize: number | undefined;
  readonly eightBit: boolean;

  constructor(
    readonly uid: number,
    /** Comparable flags (canonical, no \Recent): see comparableFlags(). */
    public flags: Set<string>,
    /** The octets of the APPEND literal. */
    readonly text: Buffer,
    /** Epoch seconds of the APPEND date-time, when one was given. */
    readonly internalDate: number | undefined,
  ) {
    this.eightBit = text.some((b) => b >= 0x80);
  }

  /**
   * RFC822.SIZE when certain. 7-bit messages are served as appended; 8-bit ones may legally come
   * back converted (§6.3.11: a server "unable to preserve 8-bit data properly MUST be able to
   * reversibly convert 8-bit APPEND data to 7-bit using a [MIME-IMB] content transfer encoding"),
   * so their size is known once BODY[] was seen.
   */
  get size(): number | undefined {
    if (this.served) return this.served.length;
    return this.eightBit ? undefined : this.text.length;
  }

  checkFlags(received: ReadonlySet<string>, rule: ImapModelDiscrepancy['rule'], where: string): ImapModelDiscrepancy | undefined {
    if (sameFlags(received, this.flags)) return undefined;
    return discrepancy(rule, `${where}: FLAGS ${formatFlags(received)} of UID ${this.uid}, the model holds ${formatFlags(this.flags)} (\\Recent ignored)`, `FLAGS ${formatFlags(this.flags)}`, `FLAGS ${formatFlags(received)}`);
  }

  checkSize(size: number): ImapModelDiscrepancy | undefined {
    const known = this.size;
    if (known !== undefined && size !== known) {
      return discrepancy(IMAP_MODEL_RULES.fetchSize, `RFC822.SIZE ${size} of UID ${this.uid}, whose message has ${known} octets`, `RFC822.SIZE ${known}`, `RFC822.SIZE ${size}`);
    }
    if (this.observedSize !== undefined && size !== this.observedSize) {
      return discrepancy(IMAP_MODEL_RULES.fetchStatic, `RFC822.SIZE of UID ${this.uid} changed from ${this.observedSize} to ${size}`, `RFC822.SIZE ${this.observedSize}`, `RFC822.SIZE ${size}`);
    }
    this.observedSize = size;
    return undefined;
  }

  /** BODY[] must be the appended octets; an 8-bit message may instead come back MIME-encoded, and then always the same. */
  checkBody(content: ImapContent | null): ImapModelDiscrepancy | undefined {
    const expected = this.served ?? this.text;
    if (content !== null && sameContent(content, expected)) {
      // Served as appended: from now on the 8-bit message's size is certain too.
      if (!this.served && this.eightBit) {
        this.served = this.text;
        return this.observedSize === undefined ? undefined : this.checkSize(this.observedSize);
      }
      return undefined;
    }
    const received = content === null ? 'NIL' : content.kind === 'bytes' ? escapeBytes(content.bytes, 300) : `${content.length} octets, sha256 ${content.sha256}`;
    if (this.served) {
      return discrepancy(IMAP_MODEL_RULES.fetchStatic, `BODY[] of UID ${this.uid} differs from what an earlier FETCH returned`, escapeBytes(this.served, 300), received);
    }
    if (this.eightBit && content?.kind === 'bytes' && addsTransferEncoding(this.text, content.bytes)) {
      this.served = content.bytes;
      return this.observedSize === undefined ? undefined : this.checkSize(this.observedSize);
    }
    return discrepancy(IMAP_MODEL_RULES.fetchBodyExact, `BODY[] of UID ${this.uid} is not the ${this.text.length} octets appended`, escapeBytes(this.text, 300), received);
  }
}

function sameContent(content: ImapContent, bytes: Buffer): boolean {
  if (content.kind === 'bytes') return content.bytes.equals(bytes);
  return content.length === bytes.length && content.sha256 === createHash('sha256').update(bytes).digest('hex');
}

const TRANSFER_ENCODING = /^content-transfer-encoding:[ \t]*([^\r\n]*)/im;

/** The served message declares another Content-Transfer-Encoding than the appended one: a 7-bit conversion. */
function addsTransferEncoding(appended: Buffer, served: Buffer): boolean {
  const encoding = (b: Buffer): string | undefined => TRANSFER_ENCODING.exec(b.toString('latin1').split('\r\n\r\n')[0] ?? '')?.[1]?.trim().toLowerCase();
  const after = encoding(served);
  return after !== undefined && after !== encoding(appended);
}
