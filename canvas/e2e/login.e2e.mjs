// The canvas of a cluster, whose API needs its token, in real headless Chromium: the page asks for the token, a
// wrong one is refused with the reason, the right one logs in (an HttpOnly cookie) and the palette appears.
//
//   node e2e/login.e2e.mjs CANVAS_URL TOKEN SCREENSHOT_DIR
import { expect, launch } from './browser.mjs';

const [url, token, screenshots] = process.argv.slice(2);
const browser = await launch(screenshots);
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(15000);
  await page.goto(url);
  await page.getByRole('form', { name: 'Log in' }).waitFor();
  await page.getByLabel('API token').fill('not-the-token');
  await page.getByRole('button', { name: 'Log in' }).click();
  const refused = await page.getByRole('alert').textContent();
  expect(refused.includes("not this API's token"), `a wrong token was not refused clearly: ${refused}`);
  await page.getByLabel('API token').fill(token);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: /^resize/ }).waitFor();
  const cookies = await page.context().cookies();
  const session = cookies.find((cookie) => cookie.name === 'imageflow_token');
  expect(session?.httpOnly && session.sameSite === 'Strict', `the token is not an HttpOnly SameSite cookie: ${
    JSON.stringify(session)}`);
  await page.screenshot({ path: `${screenshots}/cluster-logged-in.png` });
  console.log('canvas: asked for the token, refused a wrong one, logged in with the right one');
} finally {
  await browser.close();
}
