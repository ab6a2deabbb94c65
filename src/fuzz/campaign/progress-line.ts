import type { CampaignProgress } from './campaign.js';

/** How often a terminal line is redrawn, and how often a plain line is printed when not a terminal. */
const TTY_EVERY_MS = 250;
const PLAIN_EVERY_MS = 10_000;

export function formatProgress(p: CampaignProgress): string {
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(p.commands / seconds) : 0;
  return `runs ${p.runs} · ${rate} commands/s · findings ${p.findings} · ${formatElapsed(p.elapsedMs)}`;
}

function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/**
 * A live progress line on a terminal (redrawn in place), or a plain line every few seconds and at
 * each new finding when stderr is a file or a CI log.
 */
export class ProgressLine {
  private lastAt = 0;
  private lastFindings = 0;
  private drawn = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
  ) {}

  update(p: CampaignProgress): void {
    const now = Date.now();
    const newFinding = p.findings > this.lastFindings;
    this.lastFindings = p.findings;
    if (!newFinding && now - this.lastAt < (this.tty ? TTY_EVERY_MS : PLAIN_EVERY_MS)) return;
    this.lastAt = now;
    if (this.tty) {
      this.write(`\r\x1b[K${formatProgress(p)}`);
      this.drawn = true;
    } else this.write(`${formatProgress(p)}\n`);
  }

  /** Ends the live line so the next output starts on its own line. */
  finish(): void {
    if (this.drawn) this.write('\n');
    this.drawn = false;
  }

  /** Prints a message above the live line. */
  message(text: string): void {
    if (this.drawn) this.write('\r\x1b[K');
    this.write(`${text}\n`);
    this.drawn = false;
  }
}
