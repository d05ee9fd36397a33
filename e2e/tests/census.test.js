// The CIN census as the returns team and a worker meet it: the data-quality page, filtered
// by rule, a child's return-readiness panel and the link to where the failure is fixed, and
// the download; each page checked with axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, waitForPath, pathOf } from '../lib/browser.js';
import { expectNoSeriousViolations } from '../lib/axe.js';
import { screens } from '../lib/screens.js';
import { demoUser } from '../lib/demo.js';
import { signIn } from '../lib/steps.js';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('the returns team finds what would fail the census and goes to fix it', { timeout: 180_000 }, async () => {
  const user = await demoUser('bea.support');
  const shot = screens('census');
  const { context, page } = await newPage(browser);
  try {
    await signIn(page, user);
    await page.getByRole('link', { name: 'CIN census' }).click();
    await waitForPath(page, '/returns/cin');
    await assert.doesNotReject(page.getByRole('heading', { name: /Children in Need census \d{4}-\d{2}/ }).waitFor());
    await expectNoSeriousViolations(page, 'the data-quality page');
    await shot(page, 'quality');

    // The download is the census XML; when the return has errors, Hearth asks first.
    if ((await page.getByTestId('errors').innerText()).trim() !== '0') {
      await page.getByRole('link', { name: /^Download the .* census \(XML\)$/ }).click();
      await waitForPath(page, '/returns/cin/download');
      await assert.doesNotReject(page.getByRole('heading', { name: /^The census has \d+ errors?$/ }).waitFor());
      await expectNoSeriousViolations(page, 'the warning before downloading a return with errors');
      await shot(page, 'download-warning');
      await page.goto('/returns/cin');
    }
    const download = await page.request.get('/returns/cin/download?confirm=yes');
    assert.equal(download.status(), 200);
    assert.match(download.headers()['content-type'], /application\/xml/);
    assert.match(await download.text(), /<Message>[\s\S]*<LAchildID>/);

    // The last year's census: pick the first failing rule and list its children.
    await page.getByLabel('Collection year').selectOption('2025-26');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/year=2025-26/);
    const rules = page.getByTestId('rules');
    if (await rules.count()) {
      const first = rules.getByRole('link').first();
      const code = (await first.innerText()).trim();
      await first.click();
      await page.waitForURL(new RegExp(`rule=${code}`));
      await assert.doesNotReject(page.getByRole('heading', { name: new RegExp(`for rule ${code}`) }).waitFor());
      await expectNoSeriousViolations(page, 'the data-quality page filtered by rule');
      await shot(page, 'by-rule');
    }

    // This year's: a child with something to fix, their record's panel, and the fix's page.
    await page.goto('/returns/cin');
    const child = page.getByTestId('quality').getByRole('link').first();
    await child.click();
    await assert.doesNotReject(page.getByRole('heading', { name: 'Return readiness' }).waitFor());
    assert.match(pathOf(page), /^\/people\//);
    await expectNoSeriousViolations(page, "a child's record with the readiness panel");
    await page.locator('#return-readiness').scrollIntoViewIfNeeded();
    await shot(page, 'readiness');
    const fix = page.getByTestId('readiness').getByRole('link').first();
    const target = await fix.getAttribute('href');
    await fix.click();
    await page.waitForURL((url) => url.pathname === target.split('#')[0]);
    assert.equal(await page.locator('h1').first().isVisible(), true);
    assert.equal(await page.getByRole('heading', { name: /Page not found|permission/ }).count(), 0, `the fix link ${target} opens`);
    await shot(page, 'fix');
  } finally {
    await context.close();
  }
});
