import { performance } from 'node:perf_hooks';
import { ImapConversation, type ImapStep } from '../src/protocol/imap/conversation.js';
import { FrameReader } from '../src/transport/frame-reader.js';

/**
 * Parses 100 MB of FETCH responses with 1 MiB literals, fed in 64 KiB chunks as a socket would,
 * through the same framing and grammar the engine uses, and reports throughput and how far memory
 * grew: the parser may hold one literal plus a bounded buffer, never the stream.
 */
const TOTAL_BYTES = 100 * 1024 * 1024;
const LITERAL = 1024 * 1024;
const CHUNK = 64 * 1024;

function* stream(): Generator<Buffer> {
  const body = Buffer.alloc(LITERAL, 'x');
  for (let i = 0; i < LITERAL; i += 80) body.write('\r\n', Math.min(i + 78, LITERAL - 2));
  yield Buffer.from('* OK ready\r\n');
  let sent = 0;
  for (let n = 1; sent < TOTAL_BYTES; n++) {
    const head = Buffer.from(`* ${n} FETCH (UID ${n} RFC822.SIZE ${LITERAL} BODY[] {${LITERAL}}\r\n`);
    const response = Buffer.concat([head, body, Buffer.from(')\r\n')]);
    sent += response.length;
    for (let i = 0; i < response.length; i += CHUNK) yield response.subarray(i, i + CHUNK);
  }
}

const conversation = new ImapConversation();
const frames = new FrameReader();
let pending: ImapStep = { more: 'line' };
let responses = 0;
let bytes = 0;
let violations = 0;
let peakRss = 0;
let peakRetained = 0;
global.gc?.();
global.gc?.();
const baseRss = process.memoryUsage().rss;
const baseRetained = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
const started = performance.now();
for (const chunk of stream()) {
  frames.push(chunk);
  bytes += chunk.length;
  for (;;) {
    if ('more' in pending && pending.more === 'bytes') {
      const literal = frames.takeBytes(pending.count);
      if (!literal) break;
      pending = conversation.onBytes(literal);
    } else {
      const line = frames.takeLine(1024 * 1024);
      if (line.kind !== 'line') break;
      pending = conversation.onLine(line.line);
    }
    if (!('more' in pending)) {
      responses++;
      violations += pending.violations.length;
      pending = { more: 'line' };
      // What the parser still holds once garbage is gone: sampled every 10 responses.
      if (responses % 10 === 0 && global.gc) {
        // Twice: the first full collection only queues external buffers for release.
        global.gc();
        global.gc();
        const m = process.memoryUsage();
        peakRetained = Math.max(peakRetained, m.heapUsed + m.arrayBuffers - baseRetained);
      }
    }
  }
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
const seconds = (performance.now() - started) / 1000;
const mib = (n: number): string => (n / 1024 / 1024).toFixed(1);
process.stdout.write(
  `${JSON.stringify({
    bench: 'imap-parse-memory',
    inputMiB: Number(mib(bytes)),
    responses,
    violations,
    seconds: Number(seconds.toFixed(2)),
    mibPerSecond: Number((bytes / 1024 / 1024 / seconds).toFixed(1)),
    baseRssMiB: Number(mib(baseRss)),
    peakRssMiB: Number(mib(peakRss)),
    rssGrowthMiB: Number(mib(peakRss - baseRss)),
    retainedAfterGcMiB: global.gc ? Number(mib(peakRetained)) : 'run with --expose-gc',
  })}\n`,
);
