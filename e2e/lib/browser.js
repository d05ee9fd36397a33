// Launching Debian's Chromium with playwright-core, and a fresh context per test.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.HEARTH_CHROMIUM || '/usr/bin/chromium';

// The flags this machine needs: root (no sandbox), no GPU, and no background traffic to
// Google's hosts, which the closed network refuses.
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The server under test, from e2e/run. */
export function baseURL() {
  const url = process.env.HEARTH_URL;
  if (!url) {
    throw new Error('HEARTH_URL is not set: run the browser tests through e2e/run path/to/hearth');
  }
  return url.replace(/\/+$/, '');
}

/** Launch a headless Chromium. Close it in an `after` hook. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

/**
 * A fresh context (no cookies, no storage) and a page on it, with the base URL set so that
 * `page.goto('/sign-in')` works. The app's Content-Security-Policy stays in force: axe is
 * injected through the DevTools protocol, which CSP does not govern (see axe.js).
 */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({
    baseURL: baseURL(),
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  return { context, page };
}

/** The path part of the page's current URL, e.g. '/sign-in'. */
export function pathOf(page) {
  return new URL(page.url()).pathname;
}

/** Wait until the page's path is `path` (a string or RegExp), then return the path. */
export async function waitForPath(page, path, timeout = 15_000) {
  const matches = (u) => (typeof path === 'string' ? u.pathname === path : path.test(u.pathname));
  try {
    await page.waitForURL(matches, { timeout });
  } catch (err) {
    throw new Error(`expected the page to be at ${path}, but it is at ${page.url()}\n${err.message}`);
  }
  return pathOf(page);
}
