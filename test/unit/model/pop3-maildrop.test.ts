import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Pop3MaildropModel, type Pop3OpeningEntry, type Pop3SessionOpening } from '../../../src/model/pop3-maildrop.js';
import { POP3_MODEL_RULES as R } from '../../../src/model/pop3-model-rules.js';
import { Pop3SessionModel } from '../../../src/model/pop3-session-model.js';

const lines = (...l: string[]): Buffer[] => l.map((s) => Buffer.from(s, 'latin1'));
const octets = (l: readonly Buffer[]): number => l.reduce((n, b) => n + b.length + 2, 0);
const rules = (breaches: ReadonlyArray<{ rule: { rule: string } } | undefined>): string[] => breaches.flatMap((b) => (b ? [b.rule.rule] : []));

const SEEDED = lines('X-Mailconform-Seed: t1', 'Subject: s', '', '.', 'two');
const session = (): Pop3SessionModel =>
  new Pop3SessionModel(
    [
      { msg: 1, size: 100, uid: 'u1' },
      { msg: 2, size: octets(SEEDED), uid: 'u2', seedBody: ['.', 'two'] },
    ],
    true,
  );

describe('Pop3SessionModel', () => {
  test('STAT counts and sizes only the messages not marked as deleted', () => {
    const s = session();
    assert.deepEqual(s.checkStat(2, 100 + octets(SEEDED)), []);
    s.markDeleted(1);
    assert.deepEqual(s.checkStat(1, octets(SEEDED)), []);
    assert.deepEqual(rules(s.checkStat(2, 100 + octets(SEEDED))), [R.statCount.rule, R.statSize.rule]);
  });

  test('a deleted message must be refused, an absent one too, a live one served', () => {
    const s = session();
    s.markDeleted(2);
    assert.equal(s.checkStatus('RETR', 2, '+OK')?.rule, R.deletedMessage);
    assert.equal(s.checkStatus('RETR', 2, '-ERR'), undefined);
    assert.equal(s.checkStatus('TOP', 3, '+OK')?.rule, R.noSuchMessage);
    assert.equal(s.checkStatus('LIST', 1, '-ERR')?.rule, R.existingMessage);
    assert.equal(s.checkStatus('DELE', 1, '+OK'), undefined);
  });

  test('UIDL is optional: a server without it may refuse UIDL n of a live message', () => {
    const s = new Pop3SessionModel([{ msg: 1, size: 10 }], false);
    assert.equal(s.checkStatus('UIDL', 1, '-ERR'), undefined);
    assert.equal(s.checkStatus('UIDL', 2, '+OK')?.rule, R.noSuchMessage);
  });

  test('LIST leaves out deleted messages and keeps the login sizes; RSET brings them back', () => {
    const s = session();
    s.markDeleted(1);
    const size2 = octets(SEEDED);
    assert.deepEqual(s.checkScanListings([{ msg: 2, size: size2 }], true), []);
    assert.deepEqual(rules(s.checkScanListings([{ msg: 1, size: 100 }, { msg: 2, size: size2 }], true)), [R.listing.rule]);
    assert.deepEqual(rules(s.checkScanListings([{ msg: 2, size: size2 + 1 }], false, 2)), [R.listing.rule]);
    s.reset();
    assert.deepEqual(s.checkScanListings([{ msg: 2, size: size2 }, { msg: 1, size: 100 }], true), []);
  });

  test('UIDL gives the unique-ids the session opened with', () => {
    const s = session();
    assert.deepEqual(s.checkUidListings([{ msg: 1, uid: 'u1' }, { msg: 2, uid: 'u2' }], true), []);
    assert.deepEqual(rules(s.checkUidListings([{ msg: 2, uid: 'other' }], false, 2)), [R.uidl.rule]);
  });

  test('RETR: LIST\'s size, the seeded body with its dot-lines, the same twice', () => {
    const s = session();
    assert.deepEqual(s.checkRetr(2, SEEDED, octets(SEEDED)), []);
    assert.deepEqual(rules(s.checkRetr(2, SEEDED, octets(SEEDED) + 1)), [R.retrSize.rule]);
    // A server that did not stuff ".." sends "." … which the client reads as the end; here: the dot line lost.
    const lost = lines('X-Mailconform-Seed: t1', 'Subject: s', '', 'two');
    assert.deepEqual(rules(session().checkRetr(2, lost, octets(lost))), [R.retrSize.rule, R.retrContent.rule]);
    const t = new Pop3SessionModel([{ msg: 1, size: 9 }], true);
    assert.deepEqual(t.checkRetr(1, lines('a: b', '', 'x'), 9), []);
    assert.deepEqual(rules(t.checkRetr(1, lines('a: c', '', 'x'), 9)), [R.retrContent.rule]);
  });

  test('TOP n k is the headers, the blank line and the first k body lines, before or after RETR', () => {
    const s = session();
    assert.deepEqual(s.checkTop(2, 1, SEEDED.slice(0, 4)), []);
    assert.deepEqual(s.checkTop(2, 9, SEEDED), []);
    assert.deepEqual(rules(s.checkTop(2, 1, SEEDED)), [R.top.rule]);
    // The TOP above that sent too much is also held against the later RETR.
    assert.deepEqual(rules(s.checkRetr(2, SEEDED, octets(SEEDED))), [R.top.rule]);
    const t = new Pop3SessionModel([{ msg: 1, size: 9 }], true);
    assert.deepEqual(rules(t.checkTop(1, 0, lines('a: b', '', 'x'))), [R.top.rule]);
    t.checkRetr(1, lines('a: b', '', 'x'), 9);
    assert.deepEqual(rules(t.checkTop(1, 0, lines('a: c', ''))), [R.top.rule]);
  });
});

const entry = (msg: number, size: number, uid?: string): Pop3OpeningEntry => (uid === undefined ? { msg, size } : { msg, size, uid });
const opening = (listing: Pop3OpeningEntry[], seededAt: Array<[string, number]>, supportsUidl = true): Pop3SessionOpening => ({ listing, supportsUidl, seededAt: new Map(seededAt) });
const SEEDS = [
  { token: 't1', bodyLines: ['a'] },
  { token: 't2', bodyLines: [] },
];
/** The user's two messages, then the two seeded ones. */
const FIRST = opening([entry(1, 50, 'own1'), entry(2, 60, 'own2'), entry(3, 70, 's1'), entry(4, 80, 's2')], [['t1', 3], ['t2', 4]]);

describe('Pop3MaildropModel', () => {
  test('names messages by pool: seeded ones, the user\'s newest, and one past the end', () => {
    const m = new Pop3MaildropModel(SEEDS, { allowDestructive: false, ownLimit: 1 });
    assert.deepEqual(m.openSession(FIRST), []);
    assert.equal(m.resolve({ pool: 'seeded', index: 0 }), 3);
    assert.equal(m.resolve({ pool: 'seeded', index: 3 }), 4);
    assert.equal(m.resolve({ pool: 'own', index: 5 }), 2);
    assert.equal(m.resolve({ pool: 'absent', index: 0 }), 5);
    assert.equal(m.session?.message(3)?.seedBody?.[0], 'a');
  });

  test('DELE may name the user\'s own mail only when destructive runs are allowed', () => {
    assert.equal(new Pop3MaildropModel(SEEDS, { allowDestructive: false }).mayDelete({ pool: 'own', index: 0 }), false);
    assert.equal(new Pop3MaildropModel(SEEDS, { allowDestructive: false }).mayDelete({ pool: 'seeded', index: 0 }), true);
    assert.equal(new Pop3MaildropModel(SEEDS, { allowDestructive: true }).mayDelete({ pool: 'own', index: 0 }), true);
  });

  test('after QUIT +OK the marked message is gone and the others keep their unique-ids', () => {
    const m = new Pop3MaildropModel(SEEDS, { allowDestructive: false });
    m.openSession(FIRST);
    m.session!.markDeleted(3);
    m.endSession('quit-ok');
    const next = opening([entry(1, 50, 'own1'), entry(2, 60, 'own2'), entry(3, 80, 's2')], [['t2', 3]]);
    assert.deepEqual(m.tokensToLocate(next.listing, true), ['t2']);
    assert.deepEqual(m.openSession(next), []);
    assert.equal(m.resolve({ pool: 'seeded', index: 0 }), 3);
  });

  test('a marked message still there after QUIT +OK breaks §6', () => {
    const m = new Pop3MaildropModel(SEEDS, { allowDestructive: false });
    m.openSession(FIRST);
    m.session!.markDeleted(3);
    m.endSession('quit-ok');
    assert.deepEqual(m.tokensToLocate(FIRST.listing, true), ['t1', 't2'], 'its unique-id is back: look for its header');
    assert.deepEqual(rules(m.openSession(FIRST)), [R.updateRemoves.rule]);
  });

  test('a dropped session removes nothing, marked or not', () => {
    const m = new Pop3MaildropModel(SEEDS, { allowDestructive: false });
    m.openSession(FIRST);
    m.session!.markDeleted(3);
    m.endSession('dropped');
    assert.deepEqual(m.openSession(FIRST), []);
    m.endSession('dropped');
    const lost = opening([entry(1, 50, 'own1'), entry(2, 60, 'own2'), entry(3, 80, 's2')], [['t2', 3]]);
    assert.deepEqual(rules(m.openSession(lost)), [R.updateKeeps.rule]);
  });

  test('QUIT -ERR ("some deleted messages not removed") leaves a marked message free to stay or go', () => {
    for (const stays of [true, false]) {
      const m = new Pop3MaildropModel(SEEDS, { allowDestructive: false });
      m.openSession(FIRST);
      m.session!.markDeleted(4);
      m.endSession('quit-err');
      const next = stays ? FIRST : opening(FIRST.listing.slice(0, 3), [['t1', 3]]);
      assert.deepEqual(m.openSession(next), []);
    }
  });

  test('the user\'s own messages must survive, with the same unique-ids', () => {
    const m = new Pop3MaildropModel(SEEDS, { allowDestructive: false, ownLimit: 2 });
    m.openSession(FIRST);
    m.endSession('quit-ok');
    assert.deepEqual(rules(m.openSession(opening([entry(1, 60, 'own2'), entry(2, 70, 's1'), entry(3, 80, 's2')], [['t1', 2], ['t2', 3]]))), [R.updateKeeps.rule]);
  });

  test('a seeded message\'s unique-id persists across sessions and is shared with no other message', () => {
    const m = new Pop3MaildropModel(SEEDS, { allowDestructive: false });
    m.openSession(FIRST);
    m.endSession('dropped');
    const changed = opening([entry(1, 50, 'own1'), entry(2, 60, 'own2'), entry(3, 70, 's1-new'), entry(4, 80, 's2')], [['t1', 3], ['t2', 4]]);
    assert.deepEqual(rules(m.openSession(changed)), [R.uidPersistent.rule]);
    const shared = new Pop3MaildropModel(SEEDS, { allowDestructive: false });
    assert.deepEqual(rules(shared.openSession(opening([entry(1, 70, 's1'), entry(2, 70, 's1'), entry(3, 80, 's2')], [['t1', 2], ['t2', 3]]))), [R.uidUnique.rule]);
    // Two identical copies may share one (§7): same size, neither seeded.
    const copies = new Pop3MaildropModel(SEEDS, { allowDestructive: false });
    assert.deepEqual(copies.openSession(opening([entry(1, 50, 'x'), entry(2, 50, 'x'), entry(3, 70, 's1'), entry(4, 80, 's2')], [['t1', 3], ['t2', 4]])), []);
  });

  test('without UIDL every seed token is looked for, and the user\'s mail is picked again each session', () => {
    const m = new Pop3MaildropModel(SEEDS, { allowDestructive: false });
    const noUidl = opening([entry(1, 50), entry(2, 70), entry(3, 80)], [['t1', 2], ['t2', 3]], false);
    assert.deepEqual(m.openSession(noUidl), []);
    m.session!.markDeleted(2);
    m.endSession('quit-ok');
    assert.deepEqual(m.tokensToLocate([entry(1, 50), entry(2, 80)], false), ['t1', 't2']);
    assert.deepEqual(m.openSession(opening([entry(1, 50), entry(2, 80)], [['t2', 2]], false)), []);
    assert.equal(m.resolve({ pool: 'own', index: 0 }), 1);
  });

  test('seeded messages are looked for first where their unique-ids are', () => {
    const m = new Pop3MaildropModel(SEEDS, { allowDestructive: false });
    m.openSession(FIRST);
    const later = [entry(1, 70, 's1'), entry(2, 50, 'own1'), entry(3, 9, 'new')];
    assert.deepEqual(m.locateOrder(later).map((e) => e.msg), [1, 3, 2]);
  });
});
