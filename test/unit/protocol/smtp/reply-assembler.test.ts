import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FramedLine } from '../../../../src/transport/framed-line.js';
import {
  offsetInReply,
  replyText,
  SmtpReplyAssembler,
  type SmtpReply,
} from '../../../../src/protocol/smtp/reply-assembler.js';
import { framedLines } from '../../../helpers/framed-lines.js';

/** Feeds every line; returns the replies completed, in order. */
function assemble(text: string, assembler = new SmtpReplyAssembler()): SmtpReply[] {
  return pushAll(framedLines(text), assembler);
}

function pushAll(lines: FramedLine[], assembler: SmtpReplyAssembler): SmtpReply[] {
  const replies: SmtpReply[] = [];
  for (const line of lines) {
    const reply = assembler.push(line);
    if (reply !== undefined) replies.push(reply);
  }
  return replies;
}

describe('SmtpReplyAssembler', () => {
  it('completes a single-line reply at once', () => {
    const assembler = new SmtpReplyAssembler();
    const [line] = framedLines('250 OK\r\n');
    const reply = assembler.push(line!);
    assert.ok(reply);
    assert.equal(reply.code, 250);
    assert.equal(reply.lines.length, 1);
    assert.deepEqual(reply.violations, []);
  });

  it('collects continuation lines until the final line', () => {
    const assembler = new SmtpReplyAssembler();
    const lines = framedLines('250-First line\r\n250-Second line\r\n250-234 Text beginning with numbers\r\n250 The last line\r\n');
    assert.equal(assembler.push(lines[0]!), undefined);
    assert.equal(assembler.push(lines[1]!), undefined);
    assert.equal(assembler.push(lines[2]!), undefined);
    const reply = assembler.push(lines[3]!);
    assert.ok(reply);
    assert.equal(reply.code, 250);
    assert.deepEqual(reply.violations, []);
    assert.equal(replyText(reply), 'First line\nSecond line\n234 Text beginning with numbers\nThe last line');
  });

  it('starts a fresh reply after completing one', () => {
    const replies = assemble('220 ready\r\n250-a\r\n250 b\r\n354 go\r\n');
    assert.deepEqual(
      replies.map((r) => [r.code, r.lines.length]),
      [
        [220, 1],
        [250, 2],
        [354, 1],
      ],
    );
  });

  it('reports a continuation line with another code, located on that line', () => {
    const [reply] = assemble('250-first\r\n251-second\r\n250 last\r\n');
    assert.ok(reply);
    assert.equal(reply.code, 250);
    assert.deepEqual(
      reply.violations.map((v) => [v.rule, v.ref.section, v.level, v.offset, v.expected, v.received]),
      [['Reply-line.same-code', '4.2.1', 'MUST', 11, '250', '251']],
    );
    assert.equal(offsetInReply(reply, 1, 0), 11);
  });

  it('reports a mismatched final line too', () => {
    const [reply] = assemble('250-first\r\n550 last\r\n');
    assert.deepEqual(
      reply?.violations.map((v) => [v.rule, v.offset]),
      [['Reply-line.same-code', 11]],
    );
  });

  it('rebases line violations to reply offsets, counting each line terminator', () => {
    // Line 2 starts at 7 + 2 = 9; it ends in a bare LF (1 octet), so line 3 starts at 9 + 6 + 1 = 16.
    const [reply] = assemble('250-abc\r\n250-de\n250 f\0\r\n');
    assert.deepEqual(
      reply?.violations.map((v) => [v.rule, v.offset]),
      [
        ['CRLF', 15],
        ['textstring', 21],
      ],
    );
  });

  it('cuts a reply at maxLines with a tool-limit violation', () => {
    const assembler = new SmtpReplyAssembler({ maxLines: 3 });
    const replies = assemble('250-a\r\n250-b\r\n250-c\r\n250-d\r\n250 e\r\n', assembler);
    assert.equal(replies.length, 2);
    const [cut, rest] = replies;
    assert.equal(cut?.lines.length, 3);
    assert.deepEqual(
      cut?.violations.map((v) => [v.rule, v.ref.section, v.level, v.offset]),
      [['limit.max-reply-lines', '4.5.3.1', 'MAY', 17]],
    );
    assert.equal(rest?.lines.length, 2);
    assert.deepEqual(rest?.violations, []);
  });

  it('accepts a reply of exactly maxLines lines', () => {
    const [reply] = assemble('250-a\r\n250-b\r\n250 c\r\n', new SmtpReplyAssembler({ maxLines: 3 }));
    assert.deepEqual(reply?.violations, []);
  });

  it('has a default limit of 1000 lines', () => {
    const [reply] = assemble('250-x\r\n'.repeat(1000));
    assert.equal(reply?.lines.length, 1000);
    assert.equal(reply?.violations[0]?.rule, 'limit.max-reply-lines');
  });
});
