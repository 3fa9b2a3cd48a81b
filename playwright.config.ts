// The suite's Playwright configuration lives with the suite (conformance/playwright.config.ts), so that the published
// package carries it; this re-export lets `npx playwright test` work from the repository root.
export { default } from './conformance/playwright.config.ts';
