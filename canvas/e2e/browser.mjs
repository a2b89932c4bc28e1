// What every end-to-end script shares: Debian's Chromium, headless, with nothing reaching beyond loopback, and a
// check that fails the script with its message.
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

/** Starts Chromium (CHROMIUM or /usr/bin/chromium) and makes the screenshot folder. */
export async function launch(screenshots) {
  mkdirSync(screenshots, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/**
 * How many elements `locator` matches once the page has settled on `expected` (React Flow draws edges only after it
 * has measured the nodes), or after `timeoutMs` whatever it matches then.
 */
export async function settledCount(locator, expected, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let count = await locator.count();
  while (count !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    count = await locator.count();
  }
  return count;
}
