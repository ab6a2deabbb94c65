/** Where a rule comes from, e.g. RFC 5321 §4.2.1. */
export interface RfcRef {
  readonly rfc: number;
  /** Section number as printed in the RFC, e.g. "4.5.3.1.4". */
  readonly section: string;
}

/** RFC 2119 requirement levels, as the cases and grammar checks cite them. */
export type RequirementLevel = 'MUST' | 'SHOULD' | 'MAY';

export const REQUIREMENT_LEVELS: readonly RequirementLevel[] = ['MUST', 'SHOULD', 'MAY'];

/** "RFC 5321 §4.2.1" */
export function formatRef(ref: RfcRef): string {
  return `RFC ${ref.rfc} §${ref.section}`;
}
