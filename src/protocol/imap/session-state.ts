/** The four states of an IMAP connection (RFC 3501 §3). */
export enum ImapState {
  NotAuthenticated = 'NOT_AUTHENTICATED',
  Authenticated = 'AUTHENTICATED',
  Selected = 'SELECTED',
  Logout = 'LOGOUT',
}

/**
 * The state after a tagged completion of `verb` (§3, §6): LOGIN/AUTHENTICATE OK authenticate;
 * SELECT/EXAMINE OK select, and a failed one leaves no mailbox selected ("If the client is
 * permitted to modify the mailbox … a failed attempt … returns the client to the authenticated
 * state", §6.3.1); CLOSE (and UNSELECT, RFC 3691) return to AUTHENTICATED; LOGOUT ends.
 */
export function nextImapState(state: ImapState, verb: string, status: 'OK' | 'NO' | 'BAD'): ImapState {
  const v = verb.toUpperCase();
  if (v === 'LOGOUT' && status === 'OK') return ImapState.Logout;
  if ((v === 'LOGIN' || v === 'AUTHENTICATE') && status === 'OK' && state === ImapState.NotAuthenticated) return ImapState.Authenticated;
  if (v === 'SELECT' || v === 'EXAMINE') {
    if (status === 'OK') return ImapState.Selected;
    if (status === 'NO' && state === ImapState.Selected) return ImapState.Authenticated;
  }
  if ((v === 'CLOSE' || v === 'UNSELECT') && status === 'OK' && state === ImapState.Selected) return ImapState.Authenticated;
  return state;
}
