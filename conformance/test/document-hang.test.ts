// While CIMD-11's request waits for a document that never arrives, no check publishes another document (a target
// may fetch one at a time), and the wait is not counted against the publishing check's timeout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publish } from '../lib/oauth/metadata-document.ts';
import { CheckSession } from '../lib/session/check-session.ts';
import { MetadataDocumentServer } from '../lib/target/metadata-document-server.ts';
import { normaliseSettings } from '../lib/target/settings.ts';

describe('publishing next to the undelivered document', () => {
  let documents: MetadataDocumentServer;
  let session: CheckSession;

  beforeAll(async () => {
    documents = await MetadataDocumentServer.start();
    const settings = normaliseSettings({ target: 'http://127.0.0.1:9', cimd: documents.info });
    session = new CheckSession(settings, () => Promise.reject(new Error('no browser in this test')));
  });

  afterAll(async () => {
    await documents?.close();
  });

  it('waits for the pending request to end, outside the check time, then publishes', async () => {
    let release!: () => void;
    const events: string[] = [];
    session.documentHang = new Promise<void>((resolve) => (release = resolve)).then(() => {
      events.push('hang ended');
    });
    session.untimed = async (work) => {
      events.push('untimed');
      return work;
    };
    const published = publish(session, '/after-the-hang.json', { json: { ok: true } }).then((url) => {
      events.push('published');
      return url;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toEqual(['untimed']);
    release();
    expect(await published).toMatch(/\/after-the-hang\.json$/);
    expect(events).toEqual(['untimed', 'hang ended', 'published']);
  });

  it('publishes at once when nothing is pending', async () => {
    session.documentHang = undefined;
    session.untimed = () => Promise.reject(new Error('nothing to wait for'));
    expect(await publish(session, '/at-once.json', { json: { ok: true } })).toMatch(/\/at-once\.json$/);
  });
});
