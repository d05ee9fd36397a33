// Accounts as people meet them: an administrator adds a worker and is shown a one-time
// set-up link (never a password); the worker opens it, chooses a password, signs in, sets up
// an authenticator app on "Your account" and signs in again with a code; the service
// manager sees the new account only if its role reads every record. Each page checked with
// axe, and screenshots for people to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, waitForPath } from '../lib/browser.js';
import { expectNoSeriousViolations } from '../lib/axe.js';
import { screens } from '../lib/screens.js';
import { demoUser } from '../lib/demo.js';
import { signIn, signOut } from '../lib/steps.js';
import { freshTotp } from '../lib/totp.js';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

const PASSWORD = 'a kettle on the hob';

/** The administrator adds an account; the set-up link shown once. */
async function addAccount(page, shot, { name, username, role }) {
  await page.goto('/admin/users/new');
  await expectNoSeriousViolations(page, 'the add-a-user form');
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Role').selectOption({ label: role });
  assert.equal(await page.locator('input[type=password]').count(), 0, 'no password for the administrator to choose');
  await page.getByRole('button', { name: 'Add user' }).click();
  await page.locator('#setup-link').waitFor();
  await expectNoSeriousViolations(page, 'the users page with a new set-up link');
  await shot(page, `link-for-${username}`);
  return (await page.locator('#setup-link').innerText()).trim();
}

test('a new worker sets up their own account from a one-time link', { timeout: 180_000 }, async () => {
  const admin = await demoUser('admin');
  const shot = screens('accounts');
  const adminSession = await newPage(browser);
  let link;
  try {
    await signIn(adminSession.page, admin);
    link = await addAccount(adminSession.page, shot, { name: 'Nia Newstarter', username: 'nia.new', role: 'Social worker' });
    assert.match(link, /\/setup\/[0-9a-f]{64}$/);
    await adminSession.page.goto('/admin/users');
    await assert.doesNotReject(adminSession.page.getByText('Not set up yet').first().waitFor());
    assert.equal(await adminSession.page.locator('#setup-link').count(), 0, 'the link is shown once');
  } finally {
    await adminSession.context.close();
  }

  const { context, page } = await newPage(browser);
  try {
    const path = new URL(link, 'http://x').pathname;
    await page.goto(path);
    await assert.doesNotReject(page.getByRole('heading', { name: 'Set up your Hearth account' }).waitFor());
    await assert.doesNotReject(page.getByText('Nia Newstarter').first().waitFor());
    await expectNoSeriousViolations(page, 'the set-up page');
    await shot(page, 'setup');
    // Two different passwords: refused, with an error summary.
    await page.getByLabel('New password').fill(PASSWORD);
    await page.getByLabel('Type the password again').fill('something else entirely');
    await page.getByRole('button', { name: 'Set up my account' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    await expectNoSeriousViolations(page, 'the set-up page with errors');
    await shot(page, 'setup-errors');
    await page.getByLabel('New password').fill(PASSWORD);
    await page.getByLabel('Type the password again').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set up my account' }).click();
    await waitForPath(page, '/sign-in');
    await assert.doesNotReject(page.getByText('Your account is set up').waitFor());
    await shot(page, 'setup-done');

    // The link works once.
    const again = await page.goto(path);
    assert.equal(again?.status(), 404);

    // Signing in with the password chosen; then an authenticator on "Your account".
    await signIn(page, { username: 'nia.new', password: PASSWORD });
    await page.getByRole('link', { name: 'Your account' }).click();
    await waitForPath(page, '/account');
    await expectNoSeriousViolations(page, 'the account page');
    await shot(page, 'account');
    const form = page.locator('form[action="/account/authenticator"]');
    await form.getByLabel('Your password').fill(PASSWORD);
    const secret = (await form.locator('#totp-secret').innerText()).trim();
    await form.getByLabel('The code the new app shows').fill(await freshTotp(secret));
    await form.getByRole('button', { name: 'Set up authenticator' }).click();
    await assert.doesNotReject(page.getByText('Your authenticator app is set up').waitFor());
    await shot(page, 'authenticator-set-up');
    await signOut(page);
    await signIn(page, { username: 'nia.new', password: PASSWORD, totp: secret });
    await assert.doesNotReject(page.getByRole('heading', { name: /Hello, Nia Newstarter/ }).waitFor());
  } finally {
    await context.close();
  }
});

test('the service manager is shown a new account that reads every record', { timeout: 120_000 }, async () => {
  const admin = await demoUser('admin');
  const sian = await demoUser('sian.service');
  const shot = screens('accounts-la-wide');
  const a = await newPage(browser);
  try {
    await signIn(a.page, admin);
    await addAccount(a.page, shot, { name: 'Wyn Widereach', username: 'wyn.wide', role: 'Business support' });
  } finally {
    await a.context.close();
  }
  const { context, page } = await newPage(browser);
  try {
    await signIn(page, sian);
    await assert.doesNotReject(page.getByRole('heading', { name: 'Accounts given access to every record' }).waitFor());
    await assert.doesNotReject(page.getByRole('cell', { name: 'Wyn Widereach' }).waitFor());
    assert.equal(await page.getByRole('cell', { name: 'Nia Newstarter' }).count(), 0, 'a social worker reads only their cases');
    await expectNoSeriousViolations(page, "the service manager's home page");
    await shot(page, 'service-manager-home');
  } finally {
    await context.close();
  }
});
