// The consent page's approve and deny controls read from Chromium's own accessibility tree, in one DevTools call. A
// Playwright role query first starts Playwright's injected script in the new document, about 50 ms on two cores, once
// per consent page, so per flow; the tree costs a few. The rule is classifyTargetPage's for a page without configured
// selectors (page-actions.ts): the first visible button, else link, whose accessible name (Chromium's computation,
// the one assistive technology reads) matches the deny words, and the same for the approve words; a page with both is
// a consent page. Anything else (configured selectors, a control missing, a sign-in page) is left to
// classifyTargetPage, so where Chromium and Playwright compute the same names this path decides as that one, only
// sooner. A control found here is clicked where it is on screen, with the trusted mouse events Playwright's forced
// click sends. The flow reads pages this way only in a pooled context's kept page (flow.ts).
import type { CDPSession, Page } from 'playwright-core';
import { CONTROL_NAME } from '../oauth/consent-words.ts';

/** A control in the accessibility tree: its role, accessible name and DOM node. */
export interface AxControl {
  kind: 'ax';
  role: 'button' | 'link';
  name: string;
  backendNodeId: number;
}

/** The part of a DevTools AXNode read here. */
interface AxNode {
  ignored: boolean;
  role?: { value?: unknown };
  name?: { value?: unknown };
  backendDOMNodeId?: number;
}

/** Runs `fn` in a DevTools session of its own, detached right after (a node's backendNodeId holds across sessions). */
async function withSession<T>(page: Page, fn: (cdp: CDPSession) => Promise<T>): Promise<T> {
  const cdp = await page.context().newCDPSession(page);
  try {
    return await fn(cdp);
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

/** The approve and deny controls of a consent page, or undefined when the tree does not show both. */
export async function axConsentControls(page: Page): Promise<{ approve: AxControl; deny: AxControl } | undefined> {
  try {
    const { nodes } = (await withSession(page, (cdp) => cdp.send('Accessibility.getFullAXTree'))) as {
      nodes: AxNode[];
    };
    const controls = nodes.flatMap((node): AxControl[] => {
      const role = node.role?.value;
      const name = node.name?.value;
      if (node.ignored || (role !== 'button' && role !== 'link') || typeof name !== 'string') return [];
      if (node.backendDOMNodeId === undefined) return [];
      return [{ kind: 'ax', role, name, backendNodeId: node.backendDOMNodeId }];
    });
    const first = (pattern: RegExp) =>
      controls.find((c) => c.role === 'button' && pattern.test(c.name)) ??
      controls.find((c) => c.role === 'link' && pattern.test(c.name));
    const deny = first(CONTROL_NAME.deny);
    const approve = first(CONTROL_NAME.approve);
    return approve && deny ? { approve, deny } : undefined;
  } catch {
    return undefined;
  }
}

/** Clicks a control at the centre of its box, scrolled into view first (what a forced Playwright click does). */
export async function clickAxControl(page: Page, control: AxControl): Promise<void> {
  const { quads } = await withSession(page, async (cdp) => {
    await cdp.send('DOM.scrollIntoViewIfNeeded', { backendNodeId: control.backendNodeId });
    return cdp.send('DOM.getContentQuads', { backendNodeId: control.backendNodeId });
  });
  const quad = quads[0];
  if (!quad || quad.length < 8) throw new Error(`the ${control.role} "${control.name}" has no box to click`);
  const xs = [quad[0], quad[2], quad[4], quad[6]] as number[];
  const ys = [quad[1], quad[3], quad[5], quad[7]] as number[];
  const x = xs.reduce((a, b) => a + b, 0) / 4;
  const y = ys.reduce((a, b) => a + b, 0) / 4;
  await page.mouse.click(x, y);
}
