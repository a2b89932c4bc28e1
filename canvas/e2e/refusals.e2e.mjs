// A camera event the runner refuses, shown on the canvas as it happens: the page opens, says "watching" once its
// live stream is connected (the test then publishes a malformed event to the camera topic) and waits for the
// refusal and its reason under the runs.
//
//   node e2e/refusals.e2e.mjs RUNNER_URL SCREENSHOT_DIR
import { expect, launch } from './browser.mjs';

const [url, screenshots] = process.argv.slice(2);
const browser = await launch(screenshots);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(30000);
  await page.goto(url);
  await page.locator('.live.on').waitFor();
  console.log('watching');
  const refusals = page.getByRole('status', { name: 'Refused camera events' });
  await refusals.getByText('not a CloudEvent').waitFor();
  const text = await refusals.textContent();
  expect(text.includes('camera-uploads-0@'), `the refusal does not say where the event lies: ${text}`);
  await page.screenshot({ path: `${screenshots}/refused.png` });
  console.log('canvas: showed the refused camera event with its reason');
} finally {
  await browser.close();
}
