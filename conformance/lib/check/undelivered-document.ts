// CIMD-11's wait: an authorization request whose client_id names a document that never arrives, answered only when
// the target gives up on the fetch (up to 30 s). Nothing else in it takes time, so in a one-worker run it starts with
// the first check from a file before checks/client-id-metadata.check.ts (define-check.ts) and the target's wait
// elapses next to the checks that run meanwhile, as the lifetime waits do (lifetimes.ts). Its steps before the wait
// (the baseline document probe, publishing the hanging document) take a turn (session/turns.ts); the wait itself is
// one request the target holds open. While it is pending no check publishes a document (metadata-document.ts
// publish), so the target never has a second fetch to make next to the hanging one. Memoised: the check awaits the
// promise the stage created, with its trace.
import { isSelected, GREP_ENV } from '../model/selection.ts';
import { authorizeParams } from '../oauth/authorize-probe.ts';
import { buildAuthorizeUrl } from '../oauth/authorize-url.ts';
import { acceptsValidDocument, documentPath, publish, urlOf } from '../oauth/metadata-document.ts';
import type { CheckSession } from '../session/check-session.ts';
import { waited, type Waited } from './lifetimes.ts';

/** The check that waits for an undelivered document: its title is what --grep selects it by. */
export const UNDELIVERED_DOCUMENT_CHECK = {
  id: 'CIMD-11',
  title: 'a document that never arrives ends the request with an error within 30 s',
} as const;

/** How long the suite waits for the target's answer: the bound CIMD-11 quotes. */
const ANSWER_WITHIN_MS = 30_000;

/** The target's answer to the authorization request naming the hanging document: a status, or why there was none. */
export function undeliveredDocument(session: CheckSession): Promise<Waited<string>> {
  return waited(session, 'undelivered-document', async () => {
    const url = await session.turns.take(async () => {
      await acceptsValidDocument(session);
      const path = documentPath('cimd-11');
      await publish(session, path, { hang: true });
      const callback = (await session.callback()).uri();
      return buildAuthorizeUrl(session, authorizeParams(session, urlOf(session, path), callback));
    });
    const answer = session.http.request({ url, timeoutMs: ANSWER_WITHIN_MS }).then(
      (res) => `${res.status}`,
      (err: unknown) => `no answer (${err instanceof Error ? err.message : String(err)})`,
    );
    session.documentHang = answer;
    try {
      return await answer;
    } finally {
      session.documentHang = undefined;
    }
  });
}

/** Starts the wait if CIMD-11 is selected, without awaiting it; a rejection is left for the check to read. */
export function startUndeliveredDocument(session: CheckSession): void {
  if (isSelected(UNDELIVERED_DOCUMENT_CHECK, process.env[GREP_ENV])) {
    undeliveredDocument(session).catch(() => undefined);
  }
}
