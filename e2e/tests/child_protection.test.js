// Child protection end to end, as issue 5's browser test: a contact decided three weeks ago
// opens a referral and its episode; the worker records the strategy discussion, the
// section 47 enquiry and its outcome, the initial conference making a plan, a core group
// meeting and the review conference that ends the plan; the manager sees the plan on the
// child protection dashboard and adds oversight; the worker closes the episode with a
// step-down. Deadlines and the work tray are checked where they show, invalid input is
// refused with an error summary, and every page is checked with axe and screenshotted
// (e2e/screenshots/child-protection-*.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPage, pathOf, waitForPath } from '../lib/browser.js';
import { expectNoSeriousViolations } from '../lib/axe.js';
import { screens } from '../lib/screens.js';
import { demoUser, exampleChild } from '../lib/demo.js';
import { fillDate, londonDaysAgo, saved, signIn, signOut } from '../lib/steps.js';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** Fills the first row of a people table (participants or attendees). */
async function onePerson(page, table, name, agency, role) {
  await page.locator(`#${table}-1-name`).fill(name);
  await page.locator(`#${table}-1-agency`).fill(agency);
  await page.locator(`#${table}-1-role`).fill(role);
  await page.locator(`#${table}-2-name`).fill('DS Khan');
  await page.locator(`#${table}-2-agency`).fill('Police');
}

/** The rows of the episode's "What is due next" table, as text. */
async function dueNext(page) {
  return page.locator('table.govuk-table', { has: page.locator('caption', { hasText: 'Deadlines' }) }).locator('tbody tr').allInnerTexts();
}

test('strategy discussion → s47 → conference → plan → core group → review → plan ends → step-down → closure', { timeout: 300_000 }, async () => {
  const sam = await demoUser('sam.worker');
  const tara = await demoUser('tara.manager');
  const child = await exampleChild();
  const shot = screens('child-protection');
  const { context, page } = await newPage(browser);
  const visited = async (step, label) => {
    await page.waitForLoadState('load');
    await shot(page, step);
    await expectNoSeriousViolations(page, label);
  };
  const [d21, d20, d19, d14, d10, d5, d0] = [21, 20, 19, 14, 10, 5, 0].map(londonDaysAgo);

  try {
    // A contact received three weeks ago, decided the next day: the referral opens an episode.
    await signIn(page, sam);
    await page.goto(`/people/${child.id}/contacts/new`);
    await fillDate(page, 'Date the contact was received', d21);
    await page.getByLabel('Time received', { exact: true }).fill('09:00');
    await page.getByLabel('Who made the contact', { exact: true }).selectOption({ label: 'Police' });
    await page.getByLabel("Referrer's name", { exact: true }).fill('PC Jones');
    await page.getByLabel('Reason for the contact', { exact: true }).fill('E2E: injury reported by the police after a call-out.');
    await page.getByLabel('Yes, consent was given', { exact: true }).check();
    await page.getByRole('button', { name: 'Save contact', exact: true }).click();
    await saved(page, 'Contact recorded');
    const contactPath = pathOf(page);
    await signOut(page);

    await signIn(page, tara);
    await page.goto(contactPath);
    await page.getByLabel("Referral to children's social care", { exact: true }).check();
    await fillDate(page, 'Date of the decision', d20);
    await page.getByLabel('Time of the decision', { exact: true }).fill('10:00');
    await page.getByLabel('Reason for the decision', { exact: true }).fill('Threshold met: injury to a child.');
    await page.getByRole('button', { name: 'Record decision', exact: true }).click();
    await saved(page, 'Referral saved');
    await page.getByRole('link', { name: 'The episode this referral opened', exact: true }).click();
    await waitForPath(page, /^\/episodes\//);
    const episodePath = pathOf(page);
    await page.getByText('Nothing is due in this episode.').waitFor();
    await visited('episode-new', 'the new episode');
    await signOut(page);

    // The worker records the strategy discussion; an empty form is refused first.
    await signIn(page, sam);
    await page.goto(episodePath);
    await page.getByRole('link', { name: 'Record a strategy discussion', exact: true }).click();
    await visited('strategy-form', 'the strategy discussion form');
    await page.getByRole('button', { name: 'Record the discussion', exact: true }).click();
    await page.locator('.govuk-error-summary').waitFor();
    const summary = await page.locator('.govuk-error-summary').innerText();
    assert.match(summary, /Enter the date of the discussion/);
    assert.match(summary, /Enter at least one participant/);
    await visited('strategy-errors', 'the strategy discussion form with errors');
    await fillDate(page, 'Date of the discussion', d19);
    await page.getByLabel('Time of the discussion', { exact: true }).fill('14:00');
    await onePerson(page, 'participants', 'Sam Worker', "Children's social care", 'Social worker');
    await page.getByLabel('Information shared', { exact: true }).fill('Police attended a domestic incident; the child has a bruise.');
    await page.getByLabel('Start a section 47 enquiry', { exact: true }).check();
    await page.getByLabel('Action notes', { exact: true }).fill('Joint visit today; medical tomorrow.');
    await page.getByRole('button', { name: 'Record the discussion', exact: true }).click();
    await saved(page, 'Saved');
    const due = await dueNext(page);
    assert.ok(due.some((r) => /initial child protection conference/i.test(r)), `no conference deadline in ${due.join(' | ')}`);
    assert.ok(due.some((r) => /15 working days/.test(r)), `the deadline does not explain itself: ${due.join(' | ')}`);
    await visited('episode-strategy', 'the episode after the strategy discussion');

    // The enquiry, its outcome and the initial conference making a plan.
    await page.getByRole('link', { name: 'Start the section 47 enquiry', exact: true }).click();
    await fillDate(page, 'Date the enquiry started', d19);
    await page.getByRole('button', { name: 'Start the enquiry', exact: true }).click();
    await saved(page, 'Saved');
    await page.locator('.govuk-tag', { hasText: 'Section 47 enquiry' }).first().waitFor();
    await page.getByRole('link', { name: 'Record the outcome of the enquiry' }).click();
    await page.getByLabel('Concerns substantiated, initial child protection conference required', { exact: true }).check();
    await fillDate(page, 'Date of the outcome', d14);
    await visited('enquiry-outcome', 'the enquiry outcome form');
    await page.getByRole('button', { name: 'Record the outcome', exact: true }).click();
    await saved(page, 'Saved');
    await page.getByRole('link', { name: 'Record the initial conference', exact: true }).click();
    // A conference before the strategy discussion is refused, naming it.
    await fillDate(page, 'Date of the conference', d21);
    await onePerson(page, 'attendees', 'Chair', 'Safeguarding', 'Conference chair');
    await page.getByLabel('A child protection plan', { exact: true }).check();
    await page.getByLabel('Category of abuse (with a plan)', { exact: true }).selectOption({ label: 'Physical abuse' });
    await page.getByRole('button', { name: 'Record the conference', exact: true }).click();
    await page.locator('.govuk-error-summary', { hasText: 'the strategy discussion' }).waitFor();
    await visited('conference-errors', 'the conference form refusing a date before the strategy discussion');
    await fillDate(page, 'Date of the conference', d10);
    await page.getByRole('button', { name: 'Record the conference', exact: true }).click();
    await saved(page, 'Saved');
    await page.locator('.govuk-tag', { hasText: 'Child protection plan' }).first().waitFor();
    const planDue = await dueNext(page);
    for (const step of ['core group', 'review conference', 'Visit the child']) {
      assert.ok(planDue.some((r) => r.toLowerCase().includes(step.toLowerCase())), `no ${step} deadline in ${planDue.join(' | ')}`);
    }
    await visited('episode-plan', 'the episode with a child protection plan');

    // The plan's work is in the worker's tray.
    await page.goto('/work');
    await page.locator(`a[href="${episodePath}"]`).first().waitFor();
    await visited('my-work-plan', "the worker's tray with the plan's work");
    await page.goto(episodePath);

    // A core group meeting and the review conference that ends the plan.
    await page.getByRole('link', { name: 'Record a core group meeting', exact: true }).click();
    await fillDate(page, 'Date of the meeting', d5);
    await onePerson(page, 'attendees', 'Sam Worker', "Children's social care", 'Social worker');
    await page.getByLabel('Actions agreed', { exact: true }).fill('Health visitor to visit weekly.');
    await visited('core-group-form', 'the core group form');
    await page.getByRole('button', { name: 'Record the meeting', exact: true }).click();
    await saved(page, 'Saved');
    await page.getByText('Core group meeting recorded').first().waitFor();
    await signOut(page);

    // The manager sees the child on the team's child protection dashboard.
    await signIn(page, tara);
    await page.getByRole('link', { name: 'Child protection', exact: true }).first().click();
    await waitForPath(page, '/child-protection');
    await page.locator(`a[href="${episodePath}"]`).first().waitFor();
    await page.getByText(/[1-9]\d* (child|children) on a child protection plan/).first().waitFor();
    await visited('dashboard', 'the child protection dashboard with the plan');
    await signOut(page);

    await signIn(page, sam);
    await page.goto(episodePath);
    await page.getByRole('link', { name: 'Record a review conference', exact: true }).click();
    await fillDate(page, 'Date of the conference', d0);
    await onePerson(page, 'attendees', 'Chair', 'Safeguarding', 'Conference chair');
    await page.getByLabel('The plan ends', { exact: true }).check();
    await page.getByLabel('Why the plan ends (if it ends)', { exact: true }).selectOption({ label: 'The child is no longer at continuing risk of significant harm' });
    await page.getByRole('button', { name: 'Record the review', exact: true }).click();
    await saved(page, 'Saved');
    await page.getByText('Plan ends: The child is no longer at continuing risk of significant harm').first().waitFor();
    await visited('episode-plan-ended', 'the episode after the plan ended');
    await signOut(page);

    // The manager's oversight.
    await signIn(page, tara);
    await page.goto(episodePath);
    await page.getByRole('link', { name: 'Add management oversight', exact: true }).click();
    await page.getByLabel('Oversight', { exact: true }).fill('Plan ended appropriately; step down to early help.');
    await page.getByLabel('Decision (optional)', { exact: true }).fill('Close with a step-down to early help.');
    await page.getByRole('button', { name: 'Add the oversight', exact: true }).click();
    await saved(page, 'Oversight added');
    await page.getByText('1 decision in the decision log.').waitFor();
    await signOut(page);

    // The worker closes the episode, stepping down to early help.
    await signIn(page, sam);
    await page.goto(episodePath);
    await page.getByRole('link', { name: 'Close the episode', exact: true }).click();
    await fillDate(page, 'Date of closure', d0);
    await page.getByLabel('Services ceased for any other reason, including the child no longer being in need', { exact: true }).check();
    await page.getByLabel('Early help', { exact: true }).check();
    await page.getByLabel('Services arranged (with a step-down)', { exact: true }).fill('Family support worker from the early help team.');
    await visited('close-form', 'the closure form');
    await page.getByRole('button', { name: 'Close the episode', exact: true }).click();
    await saved(page, 'Episode closed');
    await page.locator('.govuk-tag', { hasText: 'Closed' }).first().waitFor();
    await visited('episode-closed', 'the closed episode');

    // Every step is in the chronology, and none of the episode's work is left in the tray.
    await page.goto(`/people/${child.id}/chronology`);
    for (const text of ['Strategy discussion', 'Initial child protection conference', 'Core group meeting', 'Episode closed']) {
      await page.getByText(text).first().waitFor();
    }
    await visited('chronology', 'the chronology with the episode');
    await page.goto('/work');
    const left = await page.locator(`a[href="${episodePath}"]`).count();
    assert.equal(left, 0, "the episode's tasks left the worker's tray");
  } finally {
    await context.close();
  }
});
