// Smoke tests: the server is up, anonymous users are sent to sign in, and the sign-in page
// is accessible.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { baseURL, launchBrowser, newPage, waitForPath } from '../lib/browser.js';
import { expectNoSeriousViolations } from '../lib/axe.js';
import { screenshot } from '../lib/screens.js';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('/healthz answers 200', async () => {
  const res = await fetch(`${baseURL()}/healthz`);
  assert.equal(res.status, 200, `GET /healthz answered ${res.status}`);
});

test('the home page sends an anonymous user to /sign-in', { timeout: 60_000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    const response = await page.goto('/');
    assert.ok(response, 'no response for /');
    await waitForPath(page, '/sign-in');
    assert.ok(response.ok() || response.status() === 304, `/ ended at ${page.url()} with ${response.status()}`);
    await screenshot(page, 'smoke', 'anonymous-home');
  } finally {
    await context.close();
  }
});

test('the sign-in page has no serious accessibility violations', { timeout: 60_000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    const response = await page.goto('/sign-in');
    assert.equal(response?.status(), 200, `GET /sign-in answered ${response?.status()}`);
    await screenshot(page, 'smoke', 'sign-in');
    await expectNoSeriousViolations(page, 'the sign-in page');
  } finally {
    await context.close();
  }
});
