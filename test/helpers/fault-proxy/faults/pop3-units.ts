import type { ClientAction, ServerUnit } from '../fault.js';
import type { Pop3SessionView } from '../pop3-session.js';

/** How POP3 faults read the units they see and make the proxy's own answers. */

/** A status line (not a body line) starting "+OK". */
export const isPositiveStatus = (unit: ServerUnit, view: Pop3SessionView): boolean => !view.inBody && unit.bytes.toString('latin1', 0, 3) === '+OK';

/** A line of the multi-line body answering `verb`, its "." excluded. */
export const isBodyLineOf = (verb: string, unit: ServerUnit, view: Pop3SessionView): boolean => view.answering?.verb === verb && view.inBody && !unit.final;

/** A line carrying `verb`'s listings (LIST, UIDL): the +OK line of the one-message form, or a line of the full form's body. */
export function isListingOf(verb: string, unit: ServerUnit, view: Pop3SessionView): boolean {
  const command = view.answering;
  if (command?.verb !== verb) return false;
  return view.inBody ? !unit.final : command.args.length > 0 && isPositiveStatus(unit, view);
}

/** One POP3 line, CRLF added. */
export const pop3Line = (text: string): Buffer => Buffer.from(`${text}\r\n`, 'latin1');

/** The proxy answers the command itself with one line (and then closes, with `close`). */
export const answerWith = (text: string, close = false): ClientAction => ({ do: 'answer', bytes: pop3Line(text), close });
