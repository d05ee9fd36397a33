// The front door end to end, as the browser test: a worker records a contact, the
// manager decides it is a referral, the worker starts and completes the single assessment
// and submits it, the manager returns it with a comment, the worker resubmits and the
// manager authorises it. Deadlines are checked where they are shown, both work trays are
// checked at each hand-over, and every page is checked with axe and screenshotted
// (e2e/screenshots/front-door-*.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
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

test('contact → referral → assessment → returned → resubmitted → authorised', { timeout: 300_000 }, async () => {
  const sam = await demoUser('sam.worker');
  const tara = await demoUser('tara.manager');
  const child = await exampleChild();
  const shot = screens('front-door');
  const today = londonDaysAgo(0);
  const reason = `E2E contact ${randomBytes(4).toString('hex')}: bruising seen at school`;
  const comment = `Add the school's view ${randomBytes(3).toString('hex')}`;
  const { context, page } = await newPage(browser);
  const visited = async (step, label) => {
    await page.waitForLoadState('load');
    await shot(page, step);
    await expectNoSeriousViolations(page, label);
  };

  try {
    // 1. The worker records the contact from the child's record.
    await signIn(page, sam);
    await visited('worker-home', 'the worker home page with work counts');
    await page.goto(`/people/${child.id}`);
    await page.getByRole('link', { name: 'Record a contact', exact: true }).click();
    await page.getByRole('heading', { name: 'Record a contact' }).waitFor();
    await visited('contact-form', 'the record a contact form');
    await page.getByRole('button', { name: 'Save contact', exact: true }).click();
    await page.locator('.govuk-error-summary').waitFor();
    await visited('contact-errors', 'the contact form with errors');
    await fillDate(page, 'Date the contact was received', today);
    await page.getByLabel('Time received', { exact: true }).fill('00:01');
    await page.getByLabel('Who made the contact', { exact: true }).selectOption({ label: 'Schools' });
    await page.getByLabel("Referrer's name", { exact: true }).fill('A. Teacher');
    await page.getByLabel('Their agency or organisation (optional)', { exact: true }).fill('Widcombe Primary');
    await page.getByLabel('Reason for the contact', { exact: true }).fill(reason);
    await page.getByLabel('Yes, consent was given', { exact: true }).check();
    await page.getByRole('button', { name: 'Save contact', exact: true }).click();
    await saved(page, 'Contact recorded');
    const contactPath = pathOf(page);
    await page.getByText(/1 working day after the contact on/).first().waitFor();
    await visited('contact', 'the contact with its decision deadline');
    await signOut(page);

    // 2. The manager finds it in the team's tray and decides: a referral.
    await signIn(page, tara);
    await page.getByRole('link', { name: 'Team work', exact: true }).first().click();
    await waitForPath(page, '/work/team');
    await page.locator(`a[href="${contactPath}"]`).first().waitFor();
    await visited('team-work-contact', "the manager's team work with the contact waiting");
    await page.locator(`a[href="${contactPath}"]`).first().click();
    await page.getByLabel("Referral to children's social care", { exact: true }).check();
    await page.getByLabel('Reason for the decision', { exact: true }).fill('Threshold met: injury with a disclosure.');
    await visited('decision-form', 'the decision form');
    await page.getByRole('button', { name: 'Record decision', exact: true }).click();
    await saved(page, 'Referral saved');
    const referralPath = pathOf(page);
    assert.match(referralPath, /^\/referrals\//);
    await page.getByText(/45 working days after the referral/).first().waitFor();
    await visited('referral', 'the referral with its deadlines');
    await signOut(page);

    // 3. The worker sees the assessment in "My work", starts it and completes it.
    await signIn(page, sam);
    await page.getByRole('link', { name: 'My work', exact: true }).first().click();
    await waitForPath(page, '/work');
    const myTask = page.locator(`a[href="${referralPath}"]`, { hasText: 'Complete the assessment' });
    await myTask.first().waitFor();
    await visited('my-work', "the worker's tray with the assessment");
    await myTask.first().click();
    await page.getByRole('button', { name: 'Start the assessment', exact: true }).click();
    await saved(page, 'Assessment started');
    const assessmentPath = pathOf(page);
    await visited('assessment-started', 'the new assessment and its task list');

    await page.getByRole('link', { name: 'Start date and when the child was seen' }).click();
    await visited('assessment-seen', 'the child seen section');
    await fillDate(page, 'Add a date the child was seen', today);
    await page.getByLabel('The child was seen alone on that date', { exact: true }).check();
    await page.getByRole('button', { name: 'Save and return to the assessment', exact: true }).click();
    await saved(page, 'Assessment saved');
    await page.getByRole('link', { name: 'Factors identified' }).click();
    await visited('assessment-factors', 'the factors section');
    await page.locator('input[name="factors"]').first().check();
    await page.getByRole('button', { name: 'Save and return to the assessment', exact: true }).click();
    await saved(page, 'Assessment saved');
    // The substance: the child's voice, the parents' views, the analysis and recommendation.
    await page.getByRole('link', { name: "The child's lived experience and voice" }).click();
    await page.getByLabel('What is life like for the child, and what did they say?').fill('Says school is the best bit and home is loud at night.');
    await visited('assessment-child', "the child's lived experience and voice");
    await page.getByRole('button', { name: 'Save and return to the assessment', exact: true }).click();
    await saved(page, 'Assessment saved');
    await page.getByRole('link', { name: "Parents' and carers' views" }).click();
    await page.getByLabel('What do the parents and carers think?').fill('Mum wants help with routines; dad did not come to the visits.');
    await page.getByRole('button', { name: 'Save and return to the assessment', exact: true }).click();
    await saved(page, 'Assessment saved');
    await page.getByRole('link', { name: 'Analysis and recommendation' }).click();
    await page.getByLabel('Analysis', { exact: true }).fill('Conflict at home is frightening the child; the family engage well.');
    await page.getByLabel('Plan or recommendation', { exact: true }).fill('A child in need plan with family support.');
    await visited('assessment-analysis', 'the analysis and recommendation');
    await page.getByRole('button', { name: 'Save and return to the assessment', exact: true }).click();
    await saved(page, 'Assessment saved');
    await page.getByRole('link', { name: 'Outcome and primary need' }).click();
    await page.getByLabel('Child in need plan', { exact: true }).check();
    await page.getByLabel("The child's primary need (CIN census code)").selectOption('N5');
    await visited('assessment-outcome', 'the outcome section');
    await page.getByRole('button', { name: 'Save and return to the assessment', exact: true }).click();
    await saved(page, 'Assessment saved');
    await visited('assessment-ready', 'the assessment ready to send');
    await page.getByRole('button', { name: 'Send for authorisation', exact: true }).click();
    await saved(page, 'Assessment sent for authorisation');
    await visited('assessment-submitted', 'the submitted assessment');
    await signOut(page);

    // 4. The manager sees it awaiting authorisation and returns it with a comment.
    await signIn(page, tara);
    await page.goto('/work/team');
    const awaiting = page.locator(`a[href="${assessmentPath}"]`, { hasText: 'Authorise the assessment' });
    await awaiting.first().waitFor();
    await visited('team-work-awaiting', "the manager's tray with the assessment awaiting authorisation");
    await awaiting.first().click();
    await page.getByLabel('What needs to change', { exact: true }).fill(comment);
    await visited('sign-off', "the manager's decision on the assessment");
    await page.getByRole('button', { name: 'Return to the worker', exact: true }).click();
    await saved(page, 'Assessment returned');
    await page.goto('/work/team');
    assert.equal(await page.locator(`a[href="${assessmentPath}"]`, { hasText: 'Authorise the assessment' }).count(), 0, 'the returned assessment left the awaiting list');
    await signOut(page);

    // 5. The worker reads the comment and sends it again.
    await signIn(page, sam);
    await page.goto(assessmentPath);
    await page.getByText(comment).first().waitFor();
    await visited('assessment-returned', 'the returned assessment with the comment');
    await page.getByRole('button', { name: 'Send for authorisation', exact: true }).click();
    await saved(page, 'Assessment sent for authorisation');
    await signOut(page);

    // 6. The manager authorises it; it is complete and leaves both trays.
    await signIn(page, tara);
    await page.goto('/work/team');
    await page.locator(`a[href="${assessmentPath}"]`, { hasText: 'Authorise the assessment' }).first().click();
    await page.getByRole('button', { name: 'Authorise the assessment', exact: true }).click();
    await saved(page, 'Assessment authorised');
    await page.locator('.govuk-tag', { hasText: 'Authorised' }).first().waitFor();
    await page.getByText('Conflict at home is frightening the child').first().waitFor();
    await visited('assessment-authorised', 'the authorised assessment with its history and what happens next');
    await page.goto('/work/team');
    assert.equal(await page.locator(`a[href="${assessmentPath}"]`).count(), 0, 'nothing left to authorise');
    await visited('team-work-after', "the manager's tray afterwards");
    await signOut(page);

    await signIn(page, sam);
    await page.goto('/work');
    assert.equal(await page.locator(`a[href="${referralPath}"]`).count(), 0, "the assessment tasks left the worker's tray");
    await visited('my-work-after', "the worker's tray afterwards");

    // 7. The next step is offered on the assessment: the worker starts the plan from it.
    await page.goto(assessmentPath);
    await page.getByRole('link', { name: 'Start the child in need plan', exact: true }).click();
    await waitForPath(page, /\/episodes\/[0-9a-f-]+\/cin-plan$/);
    await visited('next-step-cin-plan', 'the child in need plan form the next step opened');
  } finally {
    await context.close();
  }
});
