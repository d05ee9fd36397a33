// A team manager's pages: home, caseloads, timescales, a child's history and the audit of
// emergency access, each checked with axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, waitForPath } from '../lib/browser.js';
import { expectNoSeriousViolations } from '../lib/axe.js';
import { screens } from '../lib/screens.js';
import { demoUser, exampleChild } from '../lib/demo.js';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test('a team manager checks caseloads, timescales and a record', { timeout: 120_000 }, async () => {
  const user = await demoUser('tara.manager');
  const child = await exampleChild();
  const shot = screens('manager');
  const { context, page } = await newPage(browser);
  try {
    await page.goto('/sign-in');
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForPath(page, '/');
    await expectNoSeriousViolations(page, 'the manager home page');
    await shot(page, 'home');

    await page.getByRole('link', { name: 'Caseloads' }).click();
    await waitForPath(page, '/caseloads');
    await assert.doesNotReject(page.getByRole('cell', { name: 'Sam Worker' }).first().waitFor());
    await expectNoSeriousViolations(page, 'the caseloads page');
    await shot(page, 'caseloads');

    await page.getByRole('link', { name: 'Timescales' }).click();
    await waitForPath(page, '/timescales');
    await assert.doesNotReject(page.getByText('45 working days').first().waitFor());
    await expectNoSeriousViolations(page, 'the timescales page');
    await shot(page, 'timescales');

    await page.goto(`/people/${child.id}/history`);
    await assert.doesNotReject(page.getByRole('heading', { name: 'Changes to each detail' }).waitFor());
    await expectNoSeriousViolations(page, 'the history page');
    await shot(page, 'history');

    await page.goto(`/people/${child.id}/family/new`);
    await expectNoSeriousViolations(page, 'the add-a-relative form');
    await page.getByRole('button', { name: 'Save' }).click();
    await assert.doesNotReject(page.locator('.govuk-error-summary').waitFor());
    await expectNoSeriousViolations(page, 'the add-a-relative form with errors');
    await shot(page, 'relative-errors');

    await page.goto(`/people/${child.id}/allocation`);
    await assert.doesNotReject(page.getByRole('heading', { name: 'Allocation', exact: true }).waitFor());
    await expectNoSeriousViolations(page, 'the allocation page');
    await shot(page, 'allocation');

    await page.goto(`/people/${child.id}/restrict`);
    await expectNoSeriousViolations(page, 'the restriction page');
    await shot(page, 'restrict');

    await page.getByRole('link', { name: 'Duty rota' }).click();
    await waitForPath(page, '/rota');
    await assert.doesNotReject(page.getByRole('heading', { name: /^Duty rota: / }).waitFor());
    await expectNoSeriousViolations(page, 'the duty rota');
    await shot(page, 'rota');
    // No one is chosen for the manager: pick the first worker offered for the first session.
    const select = page.locator('select[name="worker"]').first();
    const worker = await select.locator('option:not([value=""])').first().getAttribute('value');
    await select.selectOption(worker);
    await page.getByRole('button', { name: /^Add to / }).first().click();
    await assert.doesNotReject(page.getByText(/ added to /).first().waitFor());
    await expectNoSeriousViolations(page, 'the duty rota after adding a worker');
    await shot(page, 'rota-added');
  } finally {
    await context.close();
  }
});
