// Composes a pipeline in the canvas as a person would, in real headless Chromium (Debian's, driven by
// playwright-core): resize -> detect from the palette, connected by dragging, a bad width flagged inline and by
// the runner on the step, fixed, validated, its Argo YAML previewed, saved and opened again in a new page. Exits
// non-zero with the reason on the first thing that does not happen.
//
//   node e2e/compose.e2e.mjs RUNNER_URL SCREENSHOT_DIR
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [url, screenshots] = process.argv.slice(2);
mkdirSync(screenshots, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const pageErrors = [];
function expect(condition, message) {
  if (!condition) throw new Error(message);
}
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(15000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(url);

  // Keyboard: focus the palette's resize and press Enter; mouse for detect.
  await page.getByRole('button', { name: /^resize/ }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: /^detect/ }).click();
  await page.locator('[data-id="resize"] .react-flow__handle-right')
    .dragTo(page.locator('[data-id="detect"] .react-flow__handle-left'));
  expect(await page.locator('.react-flow__edge').count() === 1, 'dragging resize onto detect made no edge');

  await page.locator('[data-id="resize"]').click();
  await page.getByLabel('width').fill('0');
  const inline = await page.locator('.field-problem').allTextContents();
  expect(inline.includes('width must be at least 1'), `no inline problem for width 0: ${inline}`);

  await page.getByRole('button', { name: 'Validate' }).click();
  await page.locator('[data-testid="step-resize"] .step-problems').waitFor();
  const status = await page.locator('.status').textContent();
  expect(status.includes("step 'resize', parameters.width"), `the runner's problem is not shown: ${status}`);
  await page.screenshot({ path: `${screenshots}/1-invalid.png` });

  await page.getByLabel('width').fill('640');
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.getByText('Valid: 2 steps').waitFor();
  expect(await page.locator('.step-problems').count() === 0, 'the fixed step still shows a problem');

  await page.getByRole('button', { name: 'Preview Argo YAML' }).click();
  const yaml = await page.locator('.yaml').textContent();
  for (const kind of ['WorkflowTemplate', 'EventSource', 'Sensor']) {
    expect(new RegExp(`^kind: ${kind}$`, 'm').test(yaml), `the preview has no ${kind}`);
  }
  expect(/name: imageflow-my-pipeline$/m.test(yaml), 'the preview is not of this pipeline');
  await page.screenshot({ path: `${screenshots}/2-valid.png` });

  // Saved, then opened again in a fresh page: the same steps, edge and parameter.
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved my-pipeline version 1').waitFor();
  const reopened = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  reopened.on('pageerror', (error) => pageErrors.push(error.message));
  await reopened.goto(url);
  await reopened.getByLabel('Open a saved pipeline').selectOption('my-pipeline');
  await reopened.getByText('Opened my-pipeline version 1').waitFor();
  expect(await reopened.locator('.react-flow__node').count() === 2, 'the opened pipeline has not two steps');
  expect(await reopened.locator('.react-flow__edge').count() === 1, 'the opened pipeline lost its edge');
  await reopened.locator('[data-id="resize"]').click();
  expect(await reopened.getByLabel('width').inputValue() === '640', 'the opened pipeline lost width 640');
  expect(pageErrors.length === 0, `the page threw: ${pageErrors.join('; ')}`);
  console.log('canvas: composed, validated, previewed, saved and reopened resize -> detect');
} finally {
  await browser.close();
}
