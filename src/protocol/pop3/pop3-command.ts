/** A command as the conversation remembers it: what a response is owed for. */
export interface Pop3Command {
  /** Upper-cased keyword ("Commands in the POP3 consist of a case-insensitive keyword", RFC 1939 §3). */
  readonly verb: string;
  /** Arguments split on SP; PASS's is redacted so a secret never reaches a report. */
  readonly args: readonly string[];
}

/** The response owed for opening the connection. */
export const GREETING_COMMAND: Pop3Command = { verb: '<greeting>', args: [] };

export const REDACTED = '<redacted>';

/**
 * Reads a client line (no CRLF). Runs of SP are one separator: RFC 1939 §3 asks for a single SPACE,
 * and a server that reads "LIST  1" as LIST 1 or as a syntax error is judged by its response.
 */
export function parseCommandLine(line: string): Pop3Command {
  const [keyword = '', ...rest] = line.split(' ');
  const verb = keyword.toUpperCase();
  const args = rest.filter((a) => a !== '');
  // "Since the PASS command has exactly one argument, a POP3 server may treat spaces in the
  // argument as part of the password" (RFC 1939 §7): one redacted argument, whatever it held.
  if (verb === 'PASS') return { verb, args: args.length > 0 ? [REDACTED] : [] };
  return { verb, args };
}

/** The command line again (PASS redacted), for messages and state transitions. */
export function formatCommand(command: Pop3Command): string {
  return [command.verb, ...command.args].join(' ');
}

/**
 * True when a +OK to `command` starts a multi-line response: LIST and UIDL without argument,
 * RETR and TOP (RFC 1939 §5, §7), CAPA (RFC 2449 §5). Every -ERR is a single line.
 */
export function expectsMultiline(command: Pop3Command): boolean {
  switch (command.verb) {
    case 'LIST':
    case 'UIDL':
      return command.args.length === 0;
    case 'RETR':
    case 'TOP':
    case 'CAPA':
      return true;
    default:
      return false;
  }
}

/** AUTH with a mechanism opens a SASL exchange (RFC 5034 §4): "+ " challenges until +OK/-ERR. */
export function opensSaslExchange(command: Pop3Command): boolean {
  return command.verb === 'AUTH' && command.args.length > 0;
}

/** A decimal message-number or count argument, or undefined (RFC 1939 §4: "base-10"). */
export function readNumberArg(arg: string | undefined): number | undefined {
  return arg !== undefined && /^[0-9]+$/.test(arg) ? Number(arg) : undefined;
}
