// Composes a pipeline in the canvas as a person would, in real headless Chromium (Debian's, driven by
// playwright-core): resize -> detect (optional) -> redact (when detect found something, on resize's image) from the
// palette, connected by dragging (and by keyboard), a bad width
// flagged inline and by the runner on the step, fixed, its run settings, suffix and retries set, validated, its Argo
// YAML previewed, saved and opened again in a new page with all of them; then deployed on the runner, a photo uploaded (and a file that is not one refused), the run
// followed live until every step is green, and the annotated result opened with its boxes. Exits non-zero with the
// reason on the first thing that does not happen; the last screenshots are 5-result.png and 6-logs.png.
//
//   node e2e/compose.e2e.mjs RUNNER_URL SCREENSHOT_DIR PHOTO
import { expect, launch, settledCount } from './browser.mjs';

const [url, screenshots, photo] = process.argv.slice(2);
const browser = await launch(screenshots);
const pageErrors = [];
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

  // Keyboard: the same dependency removed and made again with the "runs after" checkbox.
  await page.locator('[data-id="detect"]').click();
  const after = page.getByRole('checkbox', { name: 'resize' });
  await after.focus();
  await page.keyboard.press('Space');
  expect(await page.locator('.react-flow__edge').count() === 0, 'unchecking "runs after resize" kept the edge');
  await page.keyboard.press('Space');
  expect(await page.locator('.react-flow__edge').count() === 1, 'checking "runs after resize" made no edge');

  // Its own bucket, so that only this pipeline runs on the upload (the default one watches raw).
  await page.getByLabel('Bucket', { exact: true }).fill('uploads');
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
  // The definition's other fields: run settings, the trigger's suffix, the step's retries.
  await page.getByLabel('Steps at once').fill('3');
  await page.getByLabel('Stop after a failed step').selectOption('false');
  await page.getByLabel('Key suffix').fill('.jpg');
  await page.getByLabel('Retries').fill('5');
  // A step that decides: redact after detect (now optional), only when it found something, on resize's image.
  await page.getByRole('button', { name: /^redact/ }).click();
  await page.locator('[data-id="detect"] .react-flow__handle-right')
    .dragTo(page.locator('[data-id="redact"] .react-flow__handle-left'));
  await page.locator('[data-id="redact"]').click();
  await page.getByLabel('Run only when').fill('detect.count > 0');
  await page.getByLabel('Image from (step or source)').fill('resize');
  await page.getByLabel('Detections from (a detect step)').fill('detect');
  await page.getByLabel('classes', { exact: true }).fill('dog');
  await page.locator('[data-id="detect"]').click();
  expect(await page.getByLabel('Detections from (a detect step)').count() === 0,
    'detect, which reads no detections, offers a field for them');
  await page.getByLabel('Optional: the run goes on when it fails').selectOption('true');
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.getByText('Valid: 3 steps').waitFor();
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
  expect(await settledCount(reopened.locator('.react-flow__node'), 3) === 3, 'the opened pipeline has not three steps');
  const reopenedEdges = await settledCount(reopened.locator('.react-flow__edge'), 2);
  if (reopenedEdges !== 2) {
    // Once seen in CI and not since: say which edges the page shows and what the saved definition holds.
    const shown = await reopened.locator('.react-flow__edge').evaluateAll((edges) => edges
      .map((edge) => edge.getAttribute('data-id') ?? edge.getAttribute('aria-label')).join(', '));
    const saved = await reopened.evaluate(async () => JSON.stringify((await (await fetch(
      '/api/pipelines/my-pipeline')).json()).definition?.steps?.map((step) => [step.stepId, step.dependencies])));
    expect(false, `the opened pipeline lost an edge: it shows ${reopenedEdges} (${shown}); saved: ${saved}`);
  }
  await reopened.locator('[data-id="redact"]').click();
  expect(await reopened.getByLabel('Run only when').inputValue() === 'detect.count > 0',
    'the opened pipeline lost redact\'s condition');
  expect(await reopened.getByLabel('Detections from (a detect step)').inputValue() === 'detect',
    'the opened pipeline lost redact\'s detections input');
  await reopened.locator('[data-id="detect"]').click();
  expect(await reopened.getByLabel('Optional: the run goes on when it fails').inputValue() === 'true',
    'the opened pipeline lost detect being optional');
  await reopened.locator('[data-id="resize"]').click();
  expect(await reopened.getByLabel('width').inputValue() === '640', 'the opened pipeline lost width 640');
  expect(await reopened.getByLabel('Retries').inputValue() === '5', 'the opened pipeline lost resize\'s retries');
  expect(await reopened.getByLabel('Steps at once').inputValue() === '3', 'the opened pipeline lost its parallelism');
  expect(await reopened.getByLabel('Stop after a failed step').inputValue() === 'false',
    'the opened pipeline lost failFast false');
  expect(await reopened.getByLabel('Key suffix').inputValue() === '.jpg', 'the opened pipeline lost its suffix');

  // Deployed on this runner, then fed from the browser: a file that is not an image is refused, a photo runs.
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await page.getByText('Deployed my-pipeline version 1 on this runner').waitFor();
  await page.getByText('Running here: version 1, on uploads/').waitFor();
  await page.setInputFiles('#upload', { name: 'notes.jpg', mimeType: 'image/jpeg',
    buffer: Buffer.from('these are notes, not a photo') });
  const refused = await page.locator('.upload-status.error').textContent();
  expect(refused.includes('not an image'), `a file that is not an image was not refused clearly: ${refused}`);
  await page.setInputFiles('#upload', photo);
  await page.locator('.upload-status:not(.error)').getByText('Uploaded').waitFor();
  // The run drawn on the DAG while it runs (if the browser sees it before it ends), then all green.
  try {
    await page.locator('[data-id="detect"] .step.run-running').waitFor({ timeout: 5000 });
    await page.screenshot({ path: `${screenshots}/3-running.png` });
  } catch {
    console.log('canvas: the run ended before detect was drawn running; no 3-running.png');
  }
  await page.locator('[data-testid="run-status"]', { hasText: 'SUCCEEDED' }).waitFor({ timeout: 60000 });
  for (const step of ['resize', 'detect', 'redact']) {
    await page.locator(`[data-id="${step}"] .step.run-succeeded`).waitFor();
  }
  const state = await page.locator('[data-testid="state-detect"]').textContent();
  expect(/succeeded \d/.test(state), `the detect step shows no duration: ${state}`);
  await page.screenshot({ path: `${screenshots}/4-succeeded.png` });

  // The annotated image at full size with its boxes, the detections and a presigned download link; on a window
  // lower than the image is tall at the column's width, so that it must be scaled to fit.
  await page.setViewportSize({ width: 1280, height: 640 });
  await page.locator('[data-testid="result-detect"] .thumb').click();
  const viewer = page.getByRole('dialog');
  await viewer.locator('.detections li').first().waitFor();
  await viewer.locator('svg .box').first().waitFor({ state: 'attached' });
  const boxCount = await viewer.locator('svg .box').count();
  expect(boxCount >= 1, 'the annotated result shows no box');
  // Waits for the image's load or error event: the boxes are drawn from the detections at once, while the image
  // itself may still be on its way from the store.
  const loaded = await viewer.locator('.viewer-image img').evaluate((img) => new Promise((resolve) => {
    if (img.complete) resolve(img.naturalWidth > 0 ? 'loaded' : 'failed');
    img.addEventListener('load', () => resolve('loaded'), { once: true });
    img.addEventListener('error', () => resolve('failed'), { once: true });
    setTimeout(() => resolve('still loading after 15 s'), 15000);
  }));
  expect(loaded === 'loaded', `the annotated image did not load: ${loaded}`);
  // The whole image, and its boxes, lie within the dialog, whatever the photo's shape.
  const fits = await viewer.evaluate((dialog) => {
    const frame = dialog.getBoundingClientRect();
    const image = dialog.querySelector('.viewer-image img').getBoundingClientRect();
    const boxes = dialog.querySelector('.viewer-image svg')?.getBoundingClientRect() ?? image;
    return [image, boxes].every((r) => r.top >= frame.top - 1 && r.bottom <= frame.bottom + 1
      && r.left >= frame.left - 1 && r.right <= frame.right + 1)
      && Math.abs(boxes.height - image.height) < 2 && Math.abs(boxes.width - image.width) < 2;
  });
  expect(fits, 'the image or its boxes do not fit the viewer');
  const download = await viewer.getByRole('link', { name: 'Download image' }).getAttribute('href');
  expect(/X-Amz-Signature=/.test(download), `the download link is not presigned: ${download}`);
  await page.screenshot({ path: `${screenshots}/5-result.png` });
  await page.keyboard.press('Escape');
  expect(await page.getByRole('dialog').count() === 0, 'Escape did not close the viewer');

  // What detect logged in this run, beside the runner's account of it.
  await page.locator('[data-testid="result-detect"]').getByRole('button', { name: 'logs' }).click();
  const logs = page.getByRole('region', { name: 'Logs of detect' });
  await logs.locator('li').first().waitFor();
  const logText = await logs.textContent();
  expect(logText.includes('detect succeeded') && logText.includes('SUCCEEDED'),
    `the detect step's logs lack its lines: ${logText}`);
  await logs.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${screenshots}/6-logs.png` });
  // The same input run again now with a smaller resize: a run of its own, selected, followed to green.
  const first = await page.locator('[data-testid="run-status"]').locator('..').textContent();
  await page.getByRole('button', { name: 'run on this input…' }).click();
  await page.getByLabel('Parameters for this run (JSON: step, then parameter)').fill('{"resize": {"width": 0}}');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  const refusedRun = await page.locator('.run-again .status.error').textContent();
  expect(refusedRun.includes('must be between 1 and 16384'), `a bad parameter was not refused: ${refusedRun}`);
  await page.getByLabel('Parameters for this run (JSON: step, then parameter)').fill('{"resize": {"width": 320}}');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.locator('.run-again .status', { hasText: 'Started my-pipeline-' }).waitFor();
  await page.waitForFunction((before) => {
    const heading = document.querySelector('[data-testid="run-status"]')?.parentElement?.textContent ?? '';
    return heading !== before && heading.includes('SUCCEEDED');
  }, first, { timeout: 60000 });
  const second = await page.locator('[data-testid="run-status"]').locator('..').textContent();
  expect(second !== first, 'the run with other parameters is not the one shown');

  expect(pageErrors.length === 0, `the page threw: ${pageErrors.join('; ')}`);
  console.log(`canvas: composed, validated, previewed, saved and reopened resize -> detect -> redact; deployed, ran an`
    + ` upload to green, showed ${boxCount} boxes and detect's logs, and ran the input again with a smaller resize`);
} finally {
  await browser.close();
}
