import type { TranscriptLine } from './result.js';

/**
 * One transcript line as one string, transcript first so a TAP reader sees the conversation:
 *   "S: 220 mail.example.test ESMTP  [1 +0.731ms]"
 * The bracket carries session and time so the line reads back exactly. Session names from suite
 * files are [A-Za-z0-9_-]+; anything else falls back to the explicit object form.
 */
export type TranscriptDiag = string | { readonly session: string; readonly dir: string; readonly text: string; readonly at_ms: number };

const SIMPLE_SESSION = /^[A-Za-z0-9_-]+$/;
const TRANSCRIPT_TEXT = /^([CS*]): ([\s\S]*)  \[([A-Za-z0-9_-]+) \+(\d+(?:\.\d+)?(?:e[+-]?\d+)?)ms\]$/;

export function formatTranscriptDiag(line: TranscriptLine): TranscriptDiag {
  if (!SIMPLE_SESSION.test(line.session) || !Number.isFinite(line.atMs) || line.atMs < 0) {
    return { session: line.session, dir: line.dir, text: line.text, at_ms: line.atMs };
  }
  return `${line.dir}: ${line.text}  [${line.session} +${line.atMs}ms]`;
}

/** Inverse of formatTranscriptDiag's string form, or undefined if the text is not in that form. */
export function parseTranscriptText(text: string): TranscriptLine | undefined {
  const m = TRANSCRIPT_TEXT.exec(text);
  if (!m) return undefined;
  return { dir: m[1] as TranscriptLine['dir'], text: m[2]!, session: m[3]!, atMs: Number(m[4]) };
}
