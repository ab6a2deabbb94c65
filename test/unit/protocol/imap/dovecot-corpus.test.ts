import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { compileResponse } from '../../../../src/protocol/imap/compile-response.js';
import { parseResponse } from '../../../../src/protocol/imap/parse-response.js';
import { frameResponses, type ImapFramedResponse } from '../../../../src/protocol/imap/response-framer.js';
import { parseWire } from './parse-wire.js';

interface CorpusExchange {
  readonly session: number;
  /** What the client sent, or null for the greeting. */
  readonly client: string | null;
  /** Every octet the server sent back, as latin1 chars. */
  readonly server: string;
}

/** The capture lives in the source tree; tests run from dist/test/…, five levels below the root. */
const CORPUS_URL = new URL('../../../../../test/fixtures/imap/dovecot-corpus.json', import.meta.url);
const corpus = JSON.parse(readFileSync(CORPUS_URL, 'utf8')) as { source: string; exchanges: CorpusExchange[] };

/** Every framed response of the corpus, with whether it is a greeting. */
function framedCorpus(): Array<{ exchange: CorpusExchange; framed: ImapFramedResponse }> {
  return corpus.exchanges.flatMap((exchange) => {
    const { responses, rest } = frameResponses(Buffer.from(exchange.server, 'latin1'));
    assert.equal(rest.length, 0, `octets left over after ${exchange.client}`);
    return responses.map((framed) => ({ exchange, framed }));
  });
}

describe(`Dovecot corpus (${corpus.source})`, () => {
  const all = framedCorpus();

  it('holds over a hundred responses of every main kind', () => {
    assert.ok(all.length >= 100, `${all.length} responses`);
    const kinds = new Set<string>(all.map(({ exchange, framed }) => {
      const r = parseResponse(framed.raw, { greeting: exchange.client === null }).response;
      return r.kind === 'untagged' ? r.type : r.kind;
    }));
    for (const kind of ['tagged', 'bye', 'continuation', 'condition', 'capability', 'flags', 'list', 'lsub', 'search', 'status', 'exists', 'recent', 'expunge', 'fetch']) {
      assert.ok(kinds.has(kind), `no ${kind} response in the corpus`);
    }
  });

  it('every response frames and parses completely, with zero violations', () => {
    for (const { exchange, framed } of all) {
      const parsed = parseResponse(framed.raw, { greeting: exchange.client === null });
      const context = `${JSON.stringify(exchange.client)}: ${JSON.stringify(parsed.response).slice(0, 200)}`;
      assert.deepEqual([...framed.violations, ...parsed.violations], [], context);
      assert.equal(parsed.complete, true, context);
      assert.notEqual(parsed.response.kind, 'unparsed', context);
    }
  });

  it('parse → compile → parse gives the same AST (the compiler\'s canonical form reads back the same)', () => {
    for (const { exchange, framed } of all) {
      const greeting = exchange.client === null;
      const first = parseResponse(framed.raw, { greeting }).response;
      const again = parseWire(compileResponse(first), { greeting });
      assert.deepEqual(again.violations, []);
      assert.deepEqual(again.response, first);
    }
  });

  it('reads the nested multipart, the message/rfc822 part and the decoded mailbox name', () => {
    const texts = all.map(({ framed }) => parseResponse(framed.raw).response);
    const structure = texts.flatMap((r) => (r.kind === 'untagged' && r.type === 'fetch' ? r.attributes : []))
      .find((a) => a.name === 'BODYSTRUCTURE' && a.structure.kind === 'multipart');
    assert.ok(structure?.name === 'BODYSTRUCTURE' && structure.structure.kind === 'multipart');
    assert.deepEqual(structure.structure.parts.map((p) => p.kind), ['multipart', 'message', 'basic']);
    const names = texts.flatMap((r) => (r.kind === 'untagged' && r.type === 'list' ? [r.mailbox.name] : []));
    assert.ok(names.includes('Été'), names.join(', '));
  });
});
