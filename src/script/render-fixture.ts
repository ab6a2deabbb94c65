import type { Bindings } from './text-pattern.js';
import { renderTemplate, type RenderedTemplate } from './template.js';

/**
 * A fixture message as it goes on the wire: variables filled in, and LF line ends (as fixtures
 * are stored in git) turned into CRLF, as RFC 5322 §2.1 lines end.
 */
export function renderFixture(text: string, bindings: Bindings, isSecret?: (name: string) => boolean): RenderedTemplate {
  return renderTemplate(text.replace(/\r?\n/g, '\r\n'), bindings, isSecret);
}

/** Lines of the body (after the first empty line) of a CRLF message, as TOP counts them. */
export function countBodyLines(message: string): number {
  const split = message.indexOf('\r\n\r\n');
  if (split === -1) return 0;
  const body = message.slice(split + 4);
  if (body === '') return 0;
  return body.split('\r\n').length - (body.endsWith('\r\n') ? 1 : 0);
}
