/**
 * State that the connections of one proxy share, one entry per open connection, for faults in
 * which one session changes what another sees. A proxy numbers its connections from 1, so the
 * opening of connection 1 means a new proxy: whatever an earlier one left behind is forgotten.
 * Entries leave when the client goes (FaultHooks.clientGone).
 */
export class ConnectionRegistry<T> {
  private readonly entries = new Map<number, T>();

  open(connection: number, entry: T): void {
    if (connection === 1) this.entries.clear();
    this.entries.set(connection, entry);
  }

  close(connection: number): void {
    this.entries.delete(connection);
  }

  /** The entries of every open connection but `connection`. */
  others(connection: number): T[] {
    return [...this.entries].filter(([n]) => n !== connection).map(([, entry]) => entry);
  }
}
