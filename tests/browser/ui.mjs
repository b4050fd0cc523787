// The web UI in headless Chromium against the real stack (wrangler dev + the fake LLM). One
// scenario per run; the Rust e2e suite `ui` scripts the fake model and runs each.
//
// usage: node tests/browser/ui.mjs <scenario> <base-url> <tag> [<given JSON>]
// (`given`: what the Rust test set up through the API for the scenario: accounts, ids.)
// Every step must leave the page without CSP violations or uncaught errors. On failure the
// screenshots of every step so far (and of the failure) go to target/browser-artifacts/<scenario>/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';

const [scenario, base, tag, givenJson] = process.argv.slice(2);
const given = givenJson ? JSON.parse(givenJson) : {};
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const artifacts = path.join(root, 'target/browser-artifacts', scenario ?? 'unknown');
const PASSWORD = 'correct horse battery';

const axeSource = fs.readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');
const browser = await launchChromium();
const shots = [];
const problems = [];
let page;

async function newPage(viewport = { width: 1280, height: 900 }, colorScheme = 'light') {
  const context = await browser.newContext({ baseURL: base, acceptDownloads: true, viewport, colorScheme });
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`));
    // Layout shift not caused by the person's own input (what "the page jumped" means).
    window.__shift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  return openTab(context);
}

/** A tab in `context` whose uncaught errors and CSP reports fail the scenario. */
async function openTab(context) {
  const created = await context.newPage();
  created.setDefaultTimeout(20000);
  created.on('pageerror', (error) => problems.push(`uncaught error: ${error.message}`));
  if (process.env.UI_DEBUG) created.on('response', (r) => r.url().includes('/api/') && console.log(`tab ${context.pages().indexOf(created)}: ${r.request().method()} ${r.url().replace(base, '')} → ${r.status()}`));
  created.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
  return created;
}

/** One user-visible step: run it, then require a clean page (no CSP report, no uncaught
 * error, no serious or critical axe-core accessibility violation) and keep a screenshot. */
async function step(name, work) {
  await work();
  const violations = await page.evaluate(() => window.__csp ?? []);
  assert.deepEqual([...problems, ...violations], [], `after "${name}"`);
  await expectAccessible(name);
  shots.push([name, await page.screenshot({ fullPage: true })]);
  console.log(`ok: ${name}`);
}

/** axe-core's WCAG 2.1 A/AA rules on the page as it stands (evaluated through the DevTools
 * protocol, so the page's CSP does not apply to the checker itself). */
async function expectAccessible(name) {
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(found, [], `accessibility after "${name}"`);
}

async function expectHeading(text) {
  await page.locator('h1', { hasText: text }).waitFor();
}
async function expectFocusedHeading(text) {
  await page.waitForFunction((t) => document.activeElement?.tagName === 'H1' && document.activeElement.textContent.includes(t), text);
}
async function expectSaved() {
  await page.locator('.save-indicator', { hasText: /^Saved$/ }).waitFor();
}

async function signUpInUi(email) {
  await page.goto('/signup');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expectHeading('My blueprints');
}

/** Signs up through the API with the page's cookie jar (for scenarios that start later in the journey). */
async function signUpQuietly(email) {
  const reply = await page.request.post('/api/auth/signup', { data: { email, password: PASSWORD }, headers: { origin: base } });
  assert.equal(reply.status(), 201, await reply.text());
}

/** Signs in through the API with the page's cookie jar. */
async function logInQuietly(email) {
  const reply = await page.request.post('/api/auth/login', { data: { email, password: PASSWORD }, headers: { origin: base } });
  assert.equal(reply.status(), 200, await reply.text());
}

/** Presses Tab until the focused element `matches` ({id, text}), and requires a visible focus ring. */
async function tabTo(matches, what, limit = 40) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      const style = el ? getComputedStyle(el) : null;
      return { id: el?.id ?? '', text: el?.textContent?.trim() ?? '', name: el?.getAttribute('name') ?? '', outline: style?.outlineStyle ?? 'none', width: style?.outlineWidth ?? '0px' };
    });
    if (matches(focused)) {
      assert.ok(focused.outline !== 'none' && focused.width !== '0px', `${what} shows where the focus is`);
      return;
    }
  }
  throw new Error(`Tab never reached ${what}`);
}

async function expectNoSidewaysScroll() {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0, `no horizontal scrolling at ${page.viewportSize().width} px`);
}

async function apiCall(method, url, data) {
  const reply = await page.request.fetch(url, { method, data, headers: { origin: base } });
  assert.ok(reply.ok(), `${method} ${url}: ${reply.status()} ${await reply.text()}`);
  return reply.status() === 204 ? null : reply.json();
}

async function readyBlueprint() {
  const created = await apiCall('POST', '/api/blueprints', { title: `Ready ${tag}` });
  await apiCall('PATCH', `/api/blueprints/${created.id}/static-answers`, {
    audience: `Support agents moving to sales (${tag})`, goals: ['Run a discovery call'], constraints: { time: '3 hours', modality: 'online' },
    context: 'A software company growing its sales team', languages: ['en-US'],
  });
  const questions = await apiCall('POST', '/api/generate-dynamic-questions', { blueprintId: created.id });
  const answers = {};
  for (const q of questions.dynamicQuestions.filter((q) => q.required)) answers[q.id] = answerFor(q);
  await apiCall('PATCH', `/api/blueprints/${created.id}/dynamic-answers`, { answers });
  return created.id;
}

function answerFor(question) {
  switch (question.type) {
    case 'select': return question.options[0];
    case 'multi_select': return [question.options[0]];
    case 'scale': return question.min ?? 1;
    case 'date': return '2027-01-15';
    default: return 'An answer';
  }
}

async function downloadVia(buttonName) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: buttonName }).click()]);
  const file = await download.path();
  return { name: download.suggestedFilename(), bytes: fs.readFileSync(file) };
}

/** Watches the generation page until it settles; returns every module count seen while it streamed. */
async function watchGeneration(finalText) {
  const seen = [];
  const deadline = Date.now() + 30000;
  for (;;) {
    const state = (await page.locator('#generation-state').textContent()) ?? '';
    if (state.startsWith('Generating')) seen.push(await page.locator('.module-card').count());
    if (state.includes(finalText)) return seen;
    if (state.includes('failed') || state.includes('lost')) throw new Error(`generation ended with "${state}"`);
    if (Date.now() > deadline) throw new Error(`generation did not reach "${finalText}" (last: "${state}")`);
    await page.waitForTimeout(50);
  }
}

const scenarios = {
  async golden() {
    page = await newPage();
    const email = `${tag}@example.test`;
    await step('a signed-out visitor is sent to sign-in', async () => {
      await page.goto('/');
      await page.waitForURL(/\/signin\?next=%2F$/);
      await expectHeading('Sign in');
    });
    await step('sign up', async () => {
      await page.getByRole('link', { name: 'Create an account' }).click();
      await expectHeading('Create your account');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
      await expectHeading('My blueprints');
      await page.getByText('No blueprints yet').waitFor();
    });
    await step('create a blueprint', async () => {
      assert.equal(await page.title(), 'My blueprints · Blueprint Studio', 'each view names the tab');
      await page.getByLabel('Working title of a new course').fill(`Négociation ${tag}`);
      await page.getByRole('button', { name: 'Create blueprint' }).click();
      await page.waitForURL(/\/setup\?step=1$/);
      await expectFocusedHeading('Who is this course for?');
    });
    await step('static wizard: audience', async () => {
      await page.getByLabel('Audience').fill(`Account managers new to B2B negotiation (${tag})`);
      await expectSaved();
      await page.getByRole('button', { name: 'Next' }).click();
      await expectFocusedHeading('What should learners be able to do afterwards?');
    });
    await step('static wizard: goals', async () => {
      await page.getByRole('textbox', { name: 'Goal 1' }).fill('Prepare a negotiation plan');
      await page.getByRole('button', { name: 'Add a goal' }).click();
      await page.getByRole('textbox', { name: 'Goal 2' }).fill('Handle price objections');
      await expectSaved();
      await page.getByRole('button', { name: 'Next' }).click();
      await expectFocusedHeading('What are the constraints?');
    });
    await step('static wizard: constraints', async () => {
      await page.getByLabel('Time available').fill('6 hours');
      await page.getByLabel('Modality (optional)').selectOption('online');
      await expectSaved();
      await page.getByRole('button', { name: 'Next' }).click();
      await expectFocusedHeading('What is the context?');
    });
    await step('static wizard: context', async () => {
      await page.getByLabel('Context').fill('A software company whose deals stall at the pricing stage.');
      await page.getByRole('button', { name: 'Next' }).click();
      await expectFocusedHeading('Which languages');
    });
    await step('static wizard: languages', async () => {
      await page.getByLabel('Languages').fill('en-US, fr');
      await page.getByRole('button', { name: 'Continue to tailored questions' }).click();
      await expectFocusedHeading('Tailored questions');
    });
    await step('generate tailored questions', async () => {
      await page.getByRole('button', { name: 'Generate tailored questions' }).click();
      await page.getByText('Questions from the course model (Ollama).').waitFor();
      await page.getByText('Required questions answered: 0 of 5').waitFor();
    });
    await step('answer every type of question', async () => {
      await page.getByLabel('Which CRM do your reps use?').fill('Salesforce');
      await page.getByLabel('Describe a negotiation that went wrong').fill('The client asked for a discount and we gave it at once.');
      await page.getByLabel('How experienced are the learners?').selectOption('Intermediate');
      await page.getByRole('checkbox', { name: 'Video' }).check();
      await page.getByRole('checkbox', { name: 'Live workshop' }).check();
      await page.getByRole('radio', { name: '4' }).check();
      await page.getByLabel('When does the course start?').fill('2027-03-01');
      await page.getByText('Required questions answered: 5 of 5').waitFor();
      await expectSaved();
    });
    await step('the blueprint streams in live', async () => {
      await page.getByRole('button', { name: 'Generate blueprint' }).click();
      await expectFocusedHeading('Generate the blueprint');
      await page.evaluate(() => { window.__shift = 0; });
      const seen = await watchGeneration('Saved as version 1');
      const shift = await page.evaluate(() => window.__shift);
      console.log(`measure: cumulative layout shift while the blueprint streamed in: ${shift.toFixed(4)}`);
      assert.ok(shift < 0.1, `the page did not jump while the blueprint streamed in (cumulative layout shift ${shift})`);
      assert.ok(seen.some((count) => count >= 1), `module cards appeared while streaming: ${seen}`);
      assert.ok(seen.some((count) => count < 3), `the modules arrived progressively: ${seen}`);
      await page.locator('[role=status]', { hasText: 'Blueprint saved as version 1.' }).waitFor();
      assert.equal(await page.locator('.module-card').count(), 3);
    });
    await step('dashboard', async () => {
      await page.getByRole('link', { name: 'Open dashboard' }).click();
      await expectFocusedHeading('Negotiation essentials');
      const modules = page.locator('.kpi', { hasText: 'Modules' }).first().locator('.kpi-value');
      assert.equal(await modules.textContent(), '3');
      assert.equal(await page.locator('.kpi', { hasText: 'Total duration' }).locator('.kpi-value').textContent(), '3 h');
      await page.getByText('Duration per module').waitFor();
      assert.equal(await page.locator('figure.chart').first().locator('.bar-row').count(), 3);
      await page.getByRole('heading', { name: /Quality review/ }).waitFor();
      await page.getByRole('meter', { name: 'Modules with an assessment' }).waitFor();
      await page.getByRole('link', { name: 'Version 1' }).waitFor();
    });
    await step('each export downloads with its proper name', async () => {
      const markdown = await downloadVia('Download Markdown');
      assert.match(markdown.name, /_v1_\d{8}T\d{6}Z\.md$/);
      assert.ok(markdown.bytes.toString('utf8').includes('Opening the negotiation'), 'the markdown holds the modules');
      const json = await downloadVia('Download JSON');
      assert.match(json.name, /_v1_\d{8}T\d{6}Z\.json$/);
      assert.equal(JSON.parse(json.bytes.toString('utf8')).title, 'Negotiation essentials');
      const pdf = await downloadVia('Download PDF');
      assert.match(pdf.name, /_v1_\d{8}T\d{6}Z\.pdf$/);
      assert.equal(pdf.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
      const scorm = await downloadVia('Download SCORM 1.2 package');
      assert.match(scorm.name, /_v1_\d{8}T\d{6}Z\.zip$/);
      assert.equal(scorm.bytes.subarray(0, 2).toString('latin1'), 'PK');
      assert.ok(scorm.bytes.includes('imsmanifest.xml'), 'the package has its manifest');
      await page.getByText(/SCORM 1\.2 package ready: .*\.zip/).waitFor();
    });
    await step('regenerate a second version', async () => {
      await page.getByRole('button', { name: 'Regenerate (new version)' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Regenerate' }).click();
      await watchGeneration('Saved as version 2');
      await page.getByRole('link', { name: 'Open dashboard' }).click();
      await page.getByText(/^Version 2 · generated/).waitFor();
    });
    await step('compare two versions side by side', async () => {
      await page.getByRole('button', { name: 'Compare' }).click();
      await expectFocusedHeading('Version 1 and version 2');
      await page.getByRole('row', { name: /Modules 3 4 \+1/ }).waitFor();
      await page.getByRole('listitem').filter({ hasText: 'Closing the deal' }).first().waitFor();
      assert.equal(await page.locator('.side-by-side .blueprint').count(), 2);
    });
    await step('open a version read-only', async () => {
      await page.goto(page.url().replace(/\/compare\?.*$/, '/dashboard'));
      await page.getByRole('link', { name: 'Version 1', exact: true }).click();
      await expectFocusedHeading('Version 1: Negotiation essentials');
      await page.getByText('This is a saved snapshot. It cannot be edited').waitFor();
      assert.equal(await page.locator('textarea, input:not([type=hidden])').count(), 0, 'nothing to edit on a snapshot');
    });
  },

  async validation() {
    page = await newPage();
    const email = `${tag}@example.test`;
    await step('sign-up errors appear next to their fields', async () => {
      await page.goto('/signup');
      await page.getByLabel('Email').fill('not-an-email');
      await page.getByLabel('Password').fill('short');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.locator('#auth-email-error', { hasText: 'Enter an email address' }).waitFor();
      await page.locator('#auth-password-error', { hasText: 'Use 8 to 128 characters' }).waitFor();
      assert.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'auth-email', 'focus goes to the first bad field');
    });
    await step('an email already in use', async () => {
      await signUpInUi(email);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await expectHeading('Sign in');
      await page.goto('/signup');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.locator('#auth-email-error', { hasText: 'already exists' }).waitFor();
    });
    await step('a wrong password', async () => {
      await page.goto('/signin');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('wrong password!');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'Invalid email or password.' }).waitFor();
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expectHeading('My blueprints');
    });
    await step('the wizard explains a bad answer inline and holds Next', async () => {
      await page.getByRole('button', { name: 'Create blueprint' }).click();
      await expectFocusedHeading('Who is this course for?');
      const audience = page.getByLabel('Audience');
      await audience.fill('a');
      await audience.blur();
      await page.locator('#audience-error', { hasText: 'Enter at least 2 characters' }).waitFor();
      assert.equal(await audience.getAttribute('aria-invalid'), 'true');
      assert.match(await audience.getAttribute('aria-describedby'), /audience-error/);
      assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true);
      await page.locator('.save-indicator', { hasText: 'Not saved — fix the highlighted fields' }).waitFor();
      await audience.fill('Engineers who became team leads');
      await expectSaved();
      assert.equal(await page.locator('#audience-error').textContent(), '');
      assert.equal(await page.getByRole('button', { name: 'Next' }).isEnabled(), true);
    });
    await step('a bad language tag', async () => {
      await page.goto(page.url().replace(/step=\d$/, 'step=5'));
      await expectFocusedHeading('Which languages');
      await page.getByLabel('Languages').fill('en-US, english!!');
      await page.locator('#languages-error', { hasText: '"english!!" is not a language tag' }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Continue to tailored questions' }).isDisabled(), true);
    });
  },

  async autosave() {
    // A phone-sized screen: nothing may need sideways scrolling.
    page = await newPage({ width: 360, height: 740 });
    await step('sign up on a small screen', async () => {
      await signUpInUi(`${tag}@example.test`);
      await page.getByRole('button', { name: 'Create blueprint' }).click();
      await expectFocusedHeading('Who is this course for?');
    });
    await step('answers save as they are typed', async () => {
      await page.getByLabel('Audience').fill('Nurses starting on a surgical ward');
      await expectSaved();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('textbox', { name: 'Goal 1' }).fill('Prepare a patient for surgery');
      await expectSaved();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(overflow, 0, 'no horizontal scrolling at 360 px');
    });
    await step('a reload keeps every answer and the step', async () => {
      await page.reload();
      await expectHeading('What should learners be able to do afterwards?');
      assert.equal(await page.getByRole('textbox', { name: 'Goal 1' }).inputValue(), 'Prepare a patient for surgery');
      await page.getByRole('button', { name: 'Back' }).click();
      assert.equal(await page.getByLabel('Audience').inputValue(), 'Nurses starting on a surgical ward');
    });
    await step('reopening the blueprint resumes at the first unfinished step', async () => {
      await page.getByRole('link', { name: 'My blueprints' }).click();
      await page.getByRole('link', { name: 'Untitled blueprint' }).click();
      await expectFocusedHeading('What are the constraints?');
    });
    await step('a failed save says so and a retry loses nothing', async () => {
      await page.context().setOffline(true);
      await page.getByLabel('Time available').fill('Two mornings');
      await page.locator('.save-indicator', { hasText: 'Not saved' }).waitFor();
      await page.locator('.save-indicator').getByRole('button', { name: 'Retry' }).click();
      await page.locator('.save-indicator', { hasText: 'Not saved' }).waitFor();
      await page.context().setOffline(false);
      // Back online, the page sends what waits by itself; the Retry button does the same.
      await expectSaved();
      await page.reload();
      assert.equal(await page.getByLabel('Time available').inputValue(), 'Two mornings');
    });
    await step('the high-contrast theme', async () => {
      await page.getByRole('button', { name: 'High contrast' }).click();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'contrast');
      assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor), 'rgb(0, 0, 0)');
      await page.reload();
      assert.equal(await page.getByRole('button', { name: 'High contrast' }).getAttribute('aria-pressed'), 'true');
    });
  },

  async rejoin() {
    page = await newPage();
    let id;
    await step('a blueprint ready to generate', async () => {
      await signUpQuietly(`${tag}@example.test`);
      id = await readyBlueprint();
      await page.goto(`/blueprints/${id}/questions`);
      await page.getByRole('button', { name: 'Generate blueprint' }).click();
      await page.locator('#generation-state', { hasText: 'Generating' }).waitFor();
      await page.locator('.module-card').first().waitFor();
    });
    await step('a reload mid-generation re-joins it', async () => {
      await page.reload();
      await expectFocusedHeading('Generate the blueprint');
      const seen = await watchGeneration('Saved as version 1');
      assert.ok(seen.length > 0, 'the page showed the running generation after the reload');
      assert.equal(await page.locator('.module-card').count(), 3);
    });
    await step('the dashboard has exactly one version', async () => {
      await page.getByRole('link', { name: 'Open dashboard' }).click();
      await page.getByRole('link', { name: 'Version 1' }).waitFor();
      assert.equal(await page.locator('table tbody tr').count(), 1);
    });
    await step('the dashboard on a phone', async () => {
      await page.setViewportSize({ width: 360, height: 740 });
      await page.getByRole('heading', { name: /Quality review/ }).waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(overflow, 0, 'no horizontal scrolling at 360 px');
    });
  },

  async session() {
    page = await newPage();
    const email = `${tag}@example.test`;
    let second;
    await step('signed in, in two tabs', async () => {
      await signUpInUi(email);
      second = await openTab(page.context());
      await second.goto('/');
      await second.locator('h1', { hasText: 'My blueprints' }).waitFor();
    });
    await step('both tabs renew an expired session at once and stay signed in', async () => {
      // The access token expires: both tabs find out at the same moment. Only one may present
      // the refresh token; a second presentation would count as reuse and revoke the session.
      await page.context().clearCookies({ name: 'bp_access' });
      await Promise.all([page.reload(), second.reload()]);
      await page.locator('h1', { hasText: 'My blueprints' }).waitFor();
      await second.locator('h1', { hasText: 'My blueprints' }).waitFor();
      await page.getByRole('button', { name: 'Create blueprint' }).click();
      await expectFocusedHeading('Who is this course for?');
      const refresh = await page.request.post('/api/auth/refresh', { headers: { origin: base } });
      assert.equal(refresh.status(), 200, 'the session family was not revoked');
    });
    await step('an expired session renews itself mid-task', async () => {
      await page.context().clearCookies({ name: 'bp_access' });
      await page.getByLabel('Audience').fill('Teachers new to online classes');
      await expectSaved();
    });
    let setupUrl;
    await step('signing out in one tab signs out the other', async () => {
      setupUrl = new URL(page.url()).pathname + new URL(page.url()).search;
      await page.getByRole('button', { name: 'Sign out' }).click();
      await expectHeading('Sign in');
      await second.waitForURL(/\/signin/);
    });
    await step('signing in again returns to the page asked for', async () => {
      await page.goto(setupUrl);
      await page.waitForURL((url) => url.pathname === '/signin' && url.searchParams.get('next') === setupUrl);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expectFocusedHeading('Who is this course for?');
      assert.equal(await page.getByLabel('Audience').inputValue(), 'Teachers new to online classes');
      // Signed in, the sign-in page has nothing to offer.
      await page.goto('/signin');
      await page.waitForURL((url) => url.pathname === '/');
      await expectHeading('My blueprints');
      await page.goBack();
    });
    await step('renaming a blueprint in the list', async () => {
      await page.getByRole('link', { name: 'My blueprints' }).click();
      await page.getByRole('button', { name: 'Rename Untitled blueprint' }).click();
      const input = page.getByLabel('New title for “Untitled blueprint”');
      await page.waitForFunction(() => document.activeElement?.id?.startsWith('rename-'), null, { timeout: 5000 }); // the title field takes focus
      await input.fill('   ');
      await page.getByRole('button', { name: 'Save title' }).click();
      await page.getByText('Enter a title').waitFor();
      await input.press('Escape');
      await page.getByRole('link', { name: 'Untitled blueprint' }).waitFor();
      await page.getByRole('button', { name: 'Rename Untitled blueprint' }).click();
      await page.getByLabel('New title for “Untitled blueprint”').fill('Teaching online, term 1');
      await page.keyboard.press('Enter');
      await page.getByText('Renamed to “Teaching online, term 1”.').waitFor();
      await page.getByRole('link', { name: 'Teaching online, term 1' }).waitFor();
      const list = await apiCall('GET', '/api/blueprints');
      assert.equal(list.blueprints[0].title, 'Teaching online, term 1', 'saved on the server');
    });
    await step('deleting a blueprint asks first', async () => {
      await page.getByRole('link', { name: 'My blueprints' }).click();
      await page.getByRole('button', { name: 'Delete Teaching online, term 1' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete this blueprint?' });
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('link', { name: 'Teaching online, term 1' }).waitFor();
      await page.getByRole('button', { name: 'Delete Teaching online, term 1' }).click();
      await dialog.getByRole('button', { name: 'Delete blueprint' }).click();
      await page.getByText('Deleted “Teaching online, term 1”.').waitFor();
      await page.getByText('No blueprints yet').waitFor();
      const list = await apiCall('GET', '/api/blueprints');
      assert.equal(list.blueprints.length, 0, 'gone on the server too');
    });
  },

  async retry() {
    page = await newPage();
    let id;
    await step('a generation that fails shows why and offers a retry', async () => {
      await signUpQuietly(`${tag}@example.test`);
      id = await readyBlueprint();
      await page.goto(`/blueprints/${id}/generate`);
      await page.getByRole('button', { name: 'Generate blueprint' }).click();
      await page.locator('#generation-state', { hasText: 'Generation failed' }).waitFor({ timeout: 30000 });
      await page.getByRole('alert').filter({ hasText: "The model's answers could not be used" }).waitFor();
      await page.getByText('Below is a draft built from your answers, without a model. It is not saved unless you keep it').waitFor();
      await page.locator('[role=status]', { hasText: 'you can keep it' }).waitFor();
      await page.getByRole('button', { name: 'Keep this draft' }).waitFor();
      const saved = await apiCall('GET', `/api/blueprints/${id}`);
      assert.equal(saved.status, 'error');
      assert.equal(saved.version, 0, 'nothing was saved as a version');
    });
    await step('coming back later says what happened', async () => {
      await page.reload();
      await expectFocusedHeading('Generate the blueprint');
      await page.getByText('The last generation of this blueprint produced nothing usable').waitFor();
      // The draft that can be kept is shown again, not saved.
      await page.getByText('Below is a draft built from your answers, without a model.').waitFor();
      await page.getByText('Introduction and orientation').first().waitFor();
      await page.getByRole('button', { name: 'Keep this draft' }).waitFor();
    });
    await step('the retry succeeds', async () => {
      await page.getByRole('button', { name: 'Generate blueprint' }).click();
      await watchGeneration('Saved as version 1');
      await page.getByRole('link', { name: 'Open dashboard' }).click();
      await page.getByRole('link', { name: 'Version 1' }).waitFor();
    });
  },

  async nomodel() {
    page = await newPage({ width: 360, height: 780 });
    let id;
    await step('without a model the tailored questions come from the standard set', async () => {
      await signUpInUi(`${tag}@example.test`);
      const created = await apiCall('POST', '/api/blueprints', { title: `First run ${tag}` });
      id = created.id;
      await apiCall('PATCH', `/api/blueprints/${id}/static-answers`, {
        audience: `Volunteers new to the food bank (${tag})`, goals: ['Sort donations safely', 'Welcome visitors'],
        constraints: { time: '2 weeks, 3 hours a week', modality: 'in-person' },
        context: 'A community food bank with new volunteers every month.', languages: ['en-GB'],
      });
      await page.goto(`/blueprints/${id}/questions`);
      await page.getByRole('button', { name: 'Generate tailored questions' }).click();
      await page.getByText(/Required questions answered: 0 of \d+/).waitFor();
      for (const question of (await apiCall('GET', `/api/blueprints/${id}`)).dynamic_questions.filter((q) => q.required)) {
        await apiCall('PATCH', `/api/blueprints/${id}/dynamic-answers`, { answers: { [question.id]: answerFor(question) } });
      }
    });
    await step('the failed generation names the missing model and what to do', async () => {
      await page.goto(`/blueprints/${id}/generate`);
      await page.getByRole('button', { name: 'Generate blueprint' }).click();
      await page.locator('#generation-state', { hasText: 'Generation failed' }).waitFor({ timeout: 30000 });
      const alert = page.getByRole('alert').filter({ hasText: /No model reachable at http:\/\/127\.0\.0\.1:\d+/ });
      await alert.waitFor();
      assert.match(await alert.textContent(), /ollama pull qwen3:30b-a3b/, 'how to start a model');
      assert.doesNotMatch(await alert.textContent(), /Validation failed/, 'nothing failed validation');
      await page.getByText('Introduction and orientation').first().waitFor();
    });
    await step('keep the draft as version 1', async () => {
      await page.getByRole('button', { name: 'Keep this draft' }).click();
      await page.locator('#generation-state', { hasText: 'Saved as version 1 (curated draft)' }).waitFor();
      await page.locator('[role=status]', { hasText: 'Draft kept as version 1.' }).waitFor();
      const saved = await apiCall('GET', `/api/blueprints/${id}`);
      assert.equal(saved.status, 'completed');
      assert.equal(saved.version, 1);
    });
    await step('the dashboard says it is a curated draft and the time fits', async () => {
      await page.getByRole('link', { name: 'Open dashboard' }).click();
      await page.getByText(/^Version 1 · curated draft, kept/).waitFor();
      await page.getByText('Version 1 is a curated draft built from your answers without a model.').waitFor();
      assert.equal(await page.locator('.kpi', { hasText: 'Total duration' }).locator('.kpi-value').textContent(), '6 h', '2 weeks × 3 hours');
      await page.locator('td .badge--fallback', { hasText: 'Curated draft' }).waitFor();
      await page.locator('.check--pass').first().waitFor();
      const failing = await page.locator('.check--fail').count();
      assert.equal(failing, 0, 'the draft passes the quality review');
    });
    await step('the draft exports like any version', async () => {
      const markdown = await downloadVia('Download Markdown');
      assert.match(markdown.name, /_v1_\d{8}T\d{6}Z\.md$/);
      assert.ok(markdown.bytes.toString('utf8').includes('Sort donations safely'), 'the markdown holds the goals');
      await page.getByText(/Markdown ready: .*\.md .*version 1 \(curated draft\)/).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no horizontal scroll at 360 px');
    });
  },

  async conflict() {
    page = await newPage();
    let id;
    await step('answering questions that another tab has just replaced', async () => {
      await signUpQuietly(`${tag}@example.test`);
      id = await readyBlueprint();
      await page.goto(`/blueprints/${id}/questions`);
      await page.getByText(/Required questions answered: \d+ of \d+/).waitFor();
      // Meanwhile, elsewhere: a changed audience and new questions (the answers to the old ones
      // are cleared).
      await apiCall('PATCH', `/api/blueprints/${id}/static-answers`, { audience: `Senior account managers (${tag})` });
      await apiCall('POST', '/api/generate-dynamic-questions', { blueprintId: id });
      await page.getByLabel('Which CRM do your reps use?').fill('HubSpot');
      await page.locator('.save-indicator', { hasText: 'Not saved: The questions changed while you were answering' }).waitFor();
      assert.equal(await page.locator('.save-indicator').getByRole('button', { name: 'Retry' }).count(), 0, 'retrying cannot help');
    });
    await step('reloading shows the current questions', async () => {
      await page.locator('.save-indicator').getByRole('button', { name: 'Reload' }).click();
      await expectFocusedHeading('Tailored questions');
      await page.getByText('Required questions answered: 0 of 5').waitFor();
      assert.equal(await page.getByLabel('Which CRM do your reps use?').inputValue(), '', 'the replaced answer was not saved against the new questions');
    });
  },

  async keyboard() {
    // In the dark scheme, so that its colours go through the accessibility checks too.
    page = await newPage(undefined, 'dark');
    let id;
    await step('open a new blueprint', async () => {
      await signUpQuietly(`${tag}@example.test`);
      id = (await apiCall('POST', '/api/blueprints', { title: `Keyboard ${tag}` })).id;
      await page.goto(`/blueprints/${id}/setup`);
      await expectFocusedHeading('Who is this course for?');
    });
    const next = async (label = 'Next') => {
      await tabTo((f) => f.text === label, `the ${label} button`);
      await page.keyboard.press('Enter');
    };
    await step('audience by keyboard', async () => {
      await tabTo((f) => f.id === 'audience', 'the audience field');
      await page.keyboard.type('Volunteers who run a food bank');
      await next();
      await expectFocusedHeading('What should learners be able to do afterwards?');
    });
    await step('goals by keyboard', async () => {
      await tabTo((f) => f.id === 'goal-0', 'the first goal');
      await page.keyboard.type('Plan a weekly distribution');
      await page.keyboard.press('Enter');
      await expectFocusedHeading('What are the constraints?');
    });
    await step('constraints by keyboard', async () => {
      await tabTo((f) => f.id === 'constraints-time', 'the time field');
      await page.keyboard.type('Two evenings');
      await tabTo((f) => f.id === 'constraints-modality', 'the modality list');
      await page.keyboard.press('ArrowDown');
      await next();
      await expectFocusedHeading('What is the context?');
    });
    await step('context by keyboard', async () => {
      await tabTo((f) => f.id === 'context', 'the context field');
      await page.keyboard.type('A community food bank with new volunteers every month.');
      await next();
      await expectFocusedHeading('Which languages');
    });
    await step('languages by keyboard, then on to the questions', async () => {
      await tabTo((f) => f.id === 'languages', 'the languages field');
      await page.keyboard.type('en-GB');
      await page.keyboard.press('Enter');
      await expectFocusedHeading('Tailored questions');
      const saved = await apiCall('GET', `/api/blueprints/${id}`);
      assert.deepEqual(saved.static_answers, {
        audience: 'Volunteers who run a food bank', goals: ['Plan a weekly distribution'],
        constraints: { time: 'Two evenings', modality: 'online' },
        context: 'A community food bank with new volunteers every month.', languages: ['en-GB'],
      });
    });
  },
};

Object.assign(scenarios, {
  async syllabus() {
    const { designer, reviewer, blueprint } = given;
    // The designer on a phone-sized screen (the editor included); the reviewer on a desktop in
    // the dark scheme, so its colours go through the accessibility checks too.
    page = await newPage({ width: 360, height: 740 });
    const designerPage = page;
    let syllabusPath;
    await step('a designer creates a syllabus from a completed version', async () => {
      await logInQuietly(designer);
      await page.goto(`/blueprints/${blueprint}/versions/1`);
      await expectFocusedHeading('Version 1:');
      await page.getByRole('button', { name: 'Create syllabus' }).click();
      await page.waitForURL(/\/syllabi\/[^/]+$/);
      syllabusPath = new URL(page.url()).pathname;
      await expectFocusedHeading(`Pricing course ${tag}`);
      await page.locator('.syllabus-status .badge', { hasText: 'Draft' }).waitFor();
      assert.deepEqual(await page.locator('.minutes-sum').allTextContents(), ['45 of 45 min', '45 of 45 min', '45 of 45 min']);
      await page.getByRole('heading', { name: 'Module 2: pricing conversations', exact: true }).waitFor();
      await page.getByRole('heading', { name: 'Pricing walk-through 2' }).waitFor();
      await page.getByText('45 min · Beginner').first().waitFor();
      await expectNoSidewaysScroll();
    });
    await step('asking again opens the same syllabus', async () => {
      await page.goBack();
      await expectFocusedHeading('Version 1:');
      await page.getByRole('button', { name: 'Create syllabus' }).click();
      await page.waitForURL((url) => url.pathname === syllabusPath);
      await expectFocusedHeading(`Pricing course ${tag}`);
    });
    await step('the syllabi list has it', async () => {
      await page.getByRole('link', { name: 'Syllabi', exact: true }).click();
      await expectFocusedHeading('Syllabi');
      assert.equal(await page.getByRole('link', { name: 'Waiting for review' }).count(), 0, 'no review filter for a designer');
      await page.getByRole('link', { name: `Pricing course ${tag}` }).click();
      await expectFocusedHeading(`Pricing course ${tag}`);
    });
    await step('minutes that do not add up are refused inline', async () => {
      await page.getByRole('button', { name: 'Edit lessons' }).click();
      const first = page.getByRole('group', { name: 'Lesson 1 of module 1' });
      await first.getByLabel('Minutes').fill('30');
      await page.locator('#module-0-sum', { hasText: '30 of 45 min · 15 min to plan' }).waitFor();
      // A lesson added and removed again changes nothing.
      await page.getByRole('button', { name: 'Add a lesson to module 1' }).click();
      await page.getByRole('group', { name: 'Lesson 2 of module 1' }).waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'l-0-1-title'); // the new lesson takes focus
      await page.getByRole('button', { name: 'Remove lesson 2 of module 1' }).click();
      assert.equal(await page.getByRole('group', { name: 'Lesson 2 of module 1' }).count(), 0);
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('The syllabus was not saved').waitFor();
      await page.locator('#module-0-lessons-error', { hasText: "The lessons' minutes add up to 30; they must add up to 45" }).waitFor();
      await expectNoSidewaysScroll();
    });
    await step('a new lesson fills the module and the edit is saved', async () => {
      await page.getByRole('button', { name: 'Add a lesson to module 1' }).click();
      const added = page.getByRole('group', { name: 'Lesson 2 of module 1' });
      await added.getByLabel('Title').fill('Practice round');
      await added.getByLabel('Minutes').fill('15');
      await added.getByRole('checkbox', { name: 'Explain pricing tier 1 to a customer' }).check();
      await page.locator('#module-0-sum', { hasText: /^45 of 45 min$/ }).waitFor();
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.locator('[role=status]', { hasText: 'Changes saved.' }).waitFor();
      await page.getByRole('heading', { name: 'Practice round' }).waitFor();
      const saved = await apiCall('GET', `/api${syllabusPath}`);
      assert.deepEqual(saved.syllabus.modules[0].lessons.map((l) => [l.id, l.title, l.minutes]), [['m1.l1', 'Pricing walk-through 1', 30], ['m1.l2', 'Practice round', 15]]);
    });
    await step('the author submits it for review', async () => {
      await page.getByRole('button', { name: 'Submit for review' }).click();
      await page.locator('.syllabus-status .badge', { hasText: 'In review' }).waitFor();
      await page.getByText('Waiting for review since').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Edit lessons' }).count(), 0, 'nothing to edit while in review');
    });

    page = await newPage(undefined, 'dark');
    const reviewerPage = page;
    await step('a reviewer signs in from the review link', async () => {
      await page.goto(syllabusPath);
      await page.waitForURL((url) => url.pathname === '/signin' && url.searchParams.get('next') === syllabusPath);
      await page.getByLabel('Email').fill(reviewer);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expectFocusedHeading(`Pricing course ${tag}`);
      await page.getByRole('heading', { name: 'Review' }).waitFor();
    });
    await step('sending back asks for a note; by keyboard alone', async () => {
      await tabTo((f) => f.text === 'Send back', 'the Send back button');
      await page.keyboard.press('Enter');
      await page.locator('#review-note-error', { hasText: 'Write what the author should change' }).waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'review-note', 'the note takes focus');
      await page.keyboard.type('Split module 1 into two lessons of equal length');
      await tabTo((f) => f.text === 'Send back', 'the Send back button');
      await page.keyboard.press('Enter');
      await page.locator('[role=status]', { hasText: 'Sent back to the author with your note.' }).waitFor();
      await page.locator('.syllabus-status .badge', { hasText: 'Draft' }).waitFor();
      assert.equal(await page.getByRole('heading', { name: 'Review' }).count(), 0);
    });

    page = designerPage;
    await step('the author reads the note and submits again', async () => {
      await page.reload();
      await expectFocusedHeading(`Pricing course ${tag}`);
      await page.getByText('Sent back by a reviewer: Split module 1 into two lessons of equal length').waitFor();
      await page.getByRole('button', { name: 'Submit for review' }).click();
      await page.locator('.syllabus-status .badge', { hasText: 'In review' }).waitFor();
    });

    page = reviewerPage;
    await step('the reviewer finds it waiting and approves it by keyboard', async () => {
      await page.getByRole('link', { name: 'Syllabi', exact: true }).click();
      await page.getByRole('link', { name: 'Waiting for review' }).click();
      await expectFocusedHeading('Syllabi waiting for review');
      await page.getByRole('link', { name: `Pricing course ${tag}` }).click();
      await expectFocusedHeading(`Pricing course ${tag}`);
      await tabTo((f) => f.id === 'review-note', 'the note');
      await page.keyboard.type('Good to go');
      await tabTo((f) => f.text === 'Approve', 'the Approve button');
      await page.keyboard.press('Enter');
      await page.locator('.syllabus-status .badge', { hasText: 'Approved' }).waitFor();
      const approved = await apiCall('GET', `/api${syllabusPath}`);
      assert.equal(approved.status, 'APPROVED');
      const sha = page.locator('code[title]');
      assert.equal(await sha.textContent(), `${approved.sha256.slice(0, 12)}…`);
      assert.equal(await sha.getAttribute('title'), approved.sha256);
      await page.getByText("Reviewer's note: Good to go").waitFor();
      assert.equal(await page.locator('textarea, input, select').count(), 0, 'nothing to edit once approved');
    });
    await step('the approved syllabus on a phone', async () => {
      await page.setViewportSize({ width: 360, height: 740 });
      await page.getByRole('heading', { name: 'Approved' }).waitFor();
      await expectNoSidewaysScroll();
    });
    await step('the approved syllabus in high contrast', async () => {
      await page.getByRole('button', { name: 'High contrast' }).click();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'contrast');
    });
  },

  async team() {
    const { admin, code, tenant } = given;
    page = await newPage({ width: 360, height: 740 });
    const email = `${tag}-newcomer@example.test`;
    await step('an invitation link fills in its code', async () => {
      await page.goto(`/signup?invite=${encodeURIComponent(code)}`);
      await expectHeading('Create your account');
      assert.equal(await page.getByLabel('Invitation code (optional)').inputValue(), code);
    });
    await step('a wrong code is named next to its field', async () => {
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByLabel('Invitation code (optional)').fill(`${code}x`);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.locator('#auth-inviteCode-error').filter({ hasText: /\S/ }).waitFor();
      assert.equal(await page.getByLabel('Invitation code (optional)').getAttribute('aria-invalid'), 'true');
      await page.waitForFunction(() => document.activeElement?.id === 'auth-inviteCode');
    });
    await step('the right code joins the team with its role', async () => {
      await page.getByLabel('Invitation code (optional)').fill(code);
      await page.getByRole('button', { name: 'Create account' }).click();
      await expectHeading('My blueprints');
      const me = await apiCall('GET', '/api/auth/me');
      assert.deepEqual([me.user.email, me.user.tenantId, me.user.role], [email, tenant, 'reviewer']);
      assert.equal(await page.getByRole('link', { name: 'Team' }).count(), 0, 'no team page for a reviewer');
    });

    page = await newPage();
    await step("the team page lists the team's members", async () => {
      await logInQuietly(admin);
      await page.goto('/');
      await page.getByRole('link', { name: 'Team' }).click();
      await expectFocusedHeading('Team');
      await page.locator('.member-email', { hasText: email }).waitFor();
      await page.locator('.member-email', { hasText: admin }).waitFor();
      assert.equal(await page.getByLabel(`Role of ${email}`).inputValue(), 'reviewer');
    });
    await step("an admin changes a member's role", async () => {
      await page.getByLabel(`Role of ${email}`).selectOption('user');
      await page.locator('.member-message', { hasText: 'Now User.' }).waitFor();
      const members = await apiCall('GET', '/api/admin/users');
      assert.equal(members.users.find((u) => u.email === email).role, 'user');
    });
    await step('the last admin is not demoted', async () => {
      await page.getByLabel(`Role of ${admin}`).selectOption('reviewer');
      await page.getByRole('alert').filter({ hasText: 'The last admin of a tenant cannot be demoted' }).waitFor();
      assert.equal(await page.getByLabel(`Role of ${admin}`).inputValue(), 'admin', 'the select shows the role kept');
    });
    await step('an invitation with its sign-up link', async () => {
      await page.getByLabel('Role in the team').selectOption('reviewer');
      await page.getByRole('button', { name: 'Create invitation' }).click();
      const link = await page.getByLabel('Sign-up link').inputValue();
      const invited = new URL(link).searchParams.get('invite');
      assert.match(link, /\/signup\?invite=/);
      assert.equal(await page.getByLabel('Invitation code', { exact: true }).inputValue(), invited);
      await page.getByText(/Invitation for a Reviewer, valid until/).waitFor();
      await page.setViewportSize({ width: 360, height: 740 });
      await expectNoSidewaysScroll();
    });
    await step('the team page in high contrast', async () => {
      await page.getByRole('button', { name: 'High contrast' }).click();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'contrast');
    });
  },

  async content() {
    const { designer, reviewer, syllabus } = given;
    const syllabusPath = `/syllabi/${syllabus}`;
    const row = (slot) => page.locator(`[data-slot="${slot}"]`);
    // The designer on a phone-sized screen; the reviewer on a desktop in the dark scheme.
    page = await newPage({ width: 360, height: 740 });
    const starts = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/generation-jobs') && starts.push(r.url()));
    let course;
    await step('an approved syllabus has nothing written yet', async () => {
      await logInQuietly(designer);
      course = (await apiCall('GET', `/api${syllabusPath}`)).syllabus;
      await page.goto(syllabusPath);
      await expectFocusedHeading(course.title);
      await page.getByRole('heading', { name: 'Content', exact: true }).waitFor();
      await row('m1.project').waitFor();
      assert.deepEqual(await page.locator('[data-slot]').evaluateAll((rows) => rows.map((r) => r.dataset.slot)), ['m1.l1', 'm1.l1.quiz', 'm1.project']);
      assert.equal(await page.locator('[data-slot] .badge', { hasText: 'Not written' }).count(), 3);
      await expectNoSidewaysScroll();
    });
    await step('generating writes every slot, the progress announced', async () => {
      // A double click starts one job.
      await page.getByRole('button', { name: 'Generate content' }).dblclick();
      await page.waitForURL(/\?job=/);
      const progress = page.locator('#content-progress');
      assert.equal(await progress.getAttribute('aria-live'), 'polite');
      await progress.filter({ hasText: 'Finished: 3 of 3 written, 3 need review.' }).waitFor({ timeout: 60000 });
      assert.equal(starts.length, 1, 'one job for a double click');
      await page.waitForFunction(() => [...document.querySelectorAll('[data-slot]')].every((r) => r.querySelector('a') && r.textContent.includes('Version 1')));
      assert.equal(await page.locator('[data-slot] .badge', { hasText: 'Not written' }).count(), 0);
      assert.equal(await page.locator('[data-slot] .badge', { hasText: /^Draft$/ }).count(), 3);
      // Curated items (no model answered usably): each left for review.
      assert.equal(await page.locator('[data-slot] .badge', { hasText: /^Needs review$/ }).count(), 3);
      await expectNoSidewaysScroll();
    });
    let lessonPath;
    await step('the lesson with its findings and versions', async () => {
      await row('m1.l1').getByRole('link', { name: `Lesson 1: ${course.modules[0].lessons[0].title}` }).click();
      await page.waitForURL(/\/content\/[^/]+$/);
      lessonPath = new URL(page.url()).pathname;
      const lesson = await apiCall('GET', `/api${lessonPath}`);
      await expectFocusedHeading(lesson.content.title);
      await page.getByRole('heading', { name: `Findings (${lesson.findings.length})` }).waitFor();
      await page.getByRole('heading', { name: 'Versions (1)' }).waitFor();
      await page.getByRole('link', { name: 'Version 1 (this one)' }).waitFor();
      await page.getByRole('heading', { name: 'Key takeaways' }).waitFor();
      assert.deepEqual(await page.locator('h3:text-is("Key takeaways") + ul > li').allTextContents(), lesson.content.keyTakeaways);
      assert.equal(await page.getByRole('heading', { name: 'Review' }).count(), 0, 'a designer reviews nothing');
      await expectNoSidewaysScroll();
    });
    await step('a wrong field of the JSON is named above it', async () => {
      await page.getByRole('button', { name: 'Edit the lesson' }).click();
      const editor = page.getByLabel('The lesson as JSON');
      await page.waitForFunction(() => document.activeElement?.id === 'content-json');
      const lesson = JSON.parse(await editor.inputValue());
      lesson.practice.prompt = 'short';
      await editor.fill(JSON.stringify(lesson, null, 2));
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.locator('#content-json-error li', { hasText: /^practice\.prompt: / }).waitFor();
      assert.equal(await editor.getAttribute('aria-invalid'), 'true');
      await expectNoSidewaysScroll();
    });
    await step('a changed key takeaway is saved', async () => {
      const editor = page.getByLabel('The lesson as JSON');
      const lesson = JSON.parse(await editor.inputValue());
      lesson.practice.prompt = 'Describe tier one to a customer with eight seats in two sentences.';
      lesson.keyTakeaways[0] = 'Tier one suits small teams';
      await editor.fill(JSON.stringify(lesson, null, 2));
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.locator('[role=status]', { hasText: 'Changes saved.' }).waitFor();
      await page.locator('h3:text-is("Key takeaways") + ul > li').first().filter({ hasText: /^Tier one suits small teams$/ }).waitFor();
      await page.locator('.content-status .badge', { hasText: 'Edited' }).waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'edit-content', 'the focus returns to the edit button');
    });

    page = await newPage(undefined, 'dark');
    await step('the reviewer approves the lesson by keyboard', async () => {
      await logInQuietly(reviewer);
      await page.goto(lessonPath);
      await page.getByRole('heading', { name: 'Review' }).waitFor();
      await tabTo((f) => f.id === 'content-note', 'the note');
      await page.keyboard.type('Clear and short');
      await tabTo((f) => f.text === 'Approve', 'the Approve button');
      await page.keyboard.press('Enter');
      await page.locator('[role=status]', { hasText: 'Approved. This version is now final.' }).waitFor();
      await page.locator('.content-status .badge', { hasText: 'Approved' }).waitFor();
      await page.getByText("Reviewer's note: Clear and short").waitFor();
      assert.equal(await page.getByRole('button', { name: 'Edit the lesson' }).count(), 0, 'nothing to edit once approved');
    });
    await step('the reviewer rejects the quiz with a note', async () => {
      await page.getByRole('link', { name: '← Back to the syllabus' }).click();
      await expectFocusedHeading(course.title);
      await row('m1.l1.quiz').getByRole('link', { name: /^Quiz on lesson 1/ }).click();
      await page.getByRole('heading', { name: 'Question 1' }).waitFor();
      assert.equal(await page.locator('.badge', { hasText: /^Key$/ }).count(), await page.getByRole('heading', { name: /^Question \d+$/ }).count(), 'one key a question');
      await page.getByRole('button', { name: 'Reject' }).click();
      await page.locator('#content-note-error', { hasText: 'Write why it is rejected' }).waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'content-note', 'the note takes focus');
      await page.getByLabel('Note', { exact: true }).fill('Write real distractors');
      await page.getByRole('button', { name: 'Reject' }).click();
      await page.locator('.content-status .badge', { hasText: 'Rejected' }).waitFor();
      await page.getByText('Rejected: Write real distractors').waitFor();
    });
    await step('the tree shows the approved lesson and the rejected quiz', async () => {
      await page.getByRole('link', { name: '← Back to the syllabus' }).click();
      await expectFocusedHeading(course.title);
      await row('m1.l1').locator('.badge', { hasText: /^Approved$/ }).waitFor();
      await row('m1.l1.quiz').locator('.badge', { hasText: /^Rejected$/ }).waitFor();
      await row('m1.project').locator('.badge', { hasText: /^Draft$/ }).waitFor();
    });
    await step('publishing names the slots still without an approved version', async () => {
      await page.getByRole('button', { name: 'Publish course' }).click();
      const refusal = page.locator('.notice--error', { hasText: 'have no approved version yet' });
      await refusal.waitFor();
      assert.deepEqual(await refusal.locator('li').allTextContents(), ['m1.l1.quiz', 'm1.project']);
    });
    await step('a revision compared with the approved version', async () => {
      await row('m1.l1').getByRole('link').click();
      await page.getByRole('button', { name: 'Revise' }).click();
      await page.getByRole('link', { name: 'Version 2 (this one)' }).waitFor();
      await page.locator('#diff-summary', { hasText: "The two versions' content is the same." }).waitFor();
      await page.getByRole('button', { name: 'Edit the lesson' }).click();
      const editor = page.getByLabel('The lesson as JSON');
      const lesson = JSON.parse(await editor.inputValue());
      lesson.keyTakeaways[0] = 'Tier one suits teams under ten seats';
      await editor.fill(JSON.stringify(lesson, null, 2));
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.locator('#diff-summary', { hasText: '2 lines differ' }).waitFor();
      const marked = await page.locator('.side-by-side mark').allTextContents();
      assert.deepEqual(marked.map((t) => t.replace(/\s+/g, ' ').trim()), [
        'Only in version 1: − "Tier one suits small teams",',
        'Only in version 2: + "Tier one suits teams under ten seats",',
      ]);
    });
    await step("approving one's own revision is refused with the API's reason", async () => {
      await page.getByRole('button', { name: 'Approve' }).click();
      await page.getByRole('alert').filter({ hasText: 'You cannot approve your own work; ask another reviewer' }).waitFor();
      await page.locator('.content-status .badge', { hasText: /^Draft$/ }).waitFor();
    });
    await step('regenerating the rejected quiz is watched on the syllabus page', async () => {
      await page.getByRole('link', { name: '← Back to the syllabus' }).click();
      await expectFocusedHeading(course.title);
      await row('m1.l1.quiz').getByRole('link').click();
      await page.getByLabel('Instructions for the writer').fill('Use distractors a new rep might believe');
      await page.getByRole('button', { name: 'Regenerate' }).click();
      await page.waitForURL((url) => url.pathname === syllabusPath && url.searchParams.has('job'));
      await expectFocusedHeading(course.title);
      await page.locator('#content-progress', { hasText: 'Finished: 1 of 1 written, 1 needs review.' }).waitFor({ timeout: 60000 });
      await row('m1.l1.quiz').filter({ hasText: 'Version 2' }).locator('.badge', { hasText: /^Draft$/ }).waitFor();
      await row('m1.l1').filter({ hasText: 'Approved: version 1' }).waitFor();
    });
    await step('the comparison on a phone, in high contrast', async () => {
      await page.setViewportSize({ width: 360, height: 740 });
      await expectNoSidewaysScroll();
      await page.getByRole('button', { name: 'High contrast' }).click();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'contrast');
    });
  },

  async learn() {
    const { learner, course, title, lesson, keys } = given;
    const wrong = keys.map((key) => (key + 1) % 4);
    page = await newPage();
    await step('the learner signs in and finds the course under Learn', async () => {
      await page.goto('/learn');
      await page.waitForURL((url) => url.pathname === '/signin' && url.searchParams.get('next') === '/learn');
      await page.getByLabel('Email').fill(learner);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expectFocusedHeading('Learn');
      const row = page.locator('.blueprint-row', { has: page.getByRole('link', { name: title, exact: true }) });
      await row.getByText('1 lesson', { exact: true }).waitFor();
      assert.equal(await row.getByText('Enrolled', { exact: true }).count(), 0, 'not enrolled yet');
      assert.match(await row.textContent(), /pricing/i, "the blueprint's overview as the summary");
    });
    await step('the course overview offers to enroll', async () => {
      await page.getByRole('link', { name: title, exact: true }).click();
      await page.waitForURL((url) => url.pathname === `/learn/${course}`);
      await expectFocusedHeading(title);
      await page.getByRole('heading', { name: /^Module 1/ }).waitFor();
      await page.getByRole('link', { name: lesson, exact: true }).waitFor();
      await page.getByText('Level:').waitFor();
      assert.equal(await page.getByRole('meter').count(), 0, 'no progress before enrolling');
    });
    await step('a lesson can be read before enrolling, its quiz not checked', async () => {
      await page.getByRole('link', { name: lesson, exact: true }).click();
      await expectFocusedHeading(lesson);
      await page.getByText('You are reading without enrolling').waitFor();
      await page.getByRole('heading', { name: 'Quiz', exact: true }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Check my answers' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Mark complete' }).count(), 0);
      await page.getByRole('button', { name: 'Enroll in this course' }).waitFor();
      await page.goBack();
      await expectFocusedHeading(title);
    });
    await step('enrolling shows the progress and where to start', async () => {
      await page.getByRole('button', { name: 'Enroll' }).click();
      await page.locator('[role=status]', { hasText: 'You are enrolled.' }).waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'resume');
      assert.equal(await page.locator('#resume').textContent(), `Start: ${lesson}`);
      assert.equal(await progressValue(), 0);
      await page.getByText('Quiz not taken yet').waitFor();
    });
    await step('the lesson reads as a lesson', async () => {
      await page.locator('#resume').click();
      await page.waitForURL((url) => url.pathname === `/learn/${course}/lesson/0`);
      await expectFocusedHeading(lesson);
      for (const heading of ['What you will learn', 'Overview', 'Concepts', 'Key takeaways', 'Practice', 'Quiz']) {
        await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      }
      assert.equal(await page.getByRole('form', { name: 'Quiz' }).getByRole('group').count(), keys.length, 'one group per question');
      await page.getByRole('link', { name: 'Back to the course overview' }).waitFor();
    });
    await step('the quiz by keyboard alone: unanswered, then wrong, with the right answers named', async () => {
      await tabTo((f) => f.text === 'Check my answers', 'the Check my answers button', 60);
      await page.keyboard.press('Enter');
      await page.getByRole('alert').filter({ hasText: 'Answer every question first' }).waitFor();
      for (let q = 0; q < keys.length; q += 1) {
        if (q > 0) await page.keyboard.press('Tab');
        await chooseByKeyboard(q, wrong[q]);
      }
      await tabTo((f) => f.text === 'Check my answers', 'the Check my answers button');
      await page.keyboard.press('Enter');
      await page.locator('#quiz-result', { hasText: 'Your score: 0 % — not passed.' }).waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'quiz-result');
      for (let q = 0; q < keys.length; q += 1) {
        const group = page.getByRole('form', { name: 'Quiz' }).getByRole('group').nth(q);
        const right = (await group.locator('label.choice').nth(keys[q]).locator('span').first().evaluate((el) => el.firstChild.textContent)).trim();
        const feedback = page.locator(`#q-${q}-feedback`);
        assert.match(await feedback.textContent(), /✗ Incorrect/);
        assert.ok((await feedback.textContent()).includes(`The right answer is “${right}”.`), `question ${q + 1} names its right answer`);
        assert.ok(((await feedback.locator('p').nth(1).textContent()) ?? '').length > 0, 'with its explanation');
        await group.getByText('(your answer)').waitFor();
        await group.getByText('(the right answer)').waitFor();
      }
      await page.locator('[role=status]', { hasText: 'Quiz checked.' }).waitFor();
    });
    await step('trying again, by keyboard, passes', async () => {
      await tabTo((f) => f.text === 'Try again', 'the Try again button');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'q-0');
      for (let q = 0; q < keys.length; q += 1) {
        if (q > 0) await page.keyboard.press('Tab');
        await chooseByKeyboard(q, keys[q]);
      }
      await tabTo((f) => f.text === 'Check my answers', 'the Check my answers button');
      await page.keyboard.press('Enter');
      await page.locator('#quiz-result', { hasText: 'Your score: 100 % — passed.' }).waitFor();
      assert.equal(await page.locator('[id^=q-][id$=-feedback]', { hasText: '✓ Correct' }).count(), keys.length);
      await page.locator('[role=status]', { hasText: 'Quiz passed.' }).waitFor();
      await page.waitForFunction(() => document.querySelector('[role=meter]')?.getAttribute('aria-valuenow') === '50');
    });
    await step('marking the lesson complete completes the course', async () => {
      await page.getByRole('button', { name: 'Mark complete' }).click();
      await page.locator('[role=status]', { hasText: 'Lesson marked complete. You have completed the course.' }).waitFor();
      await page.getByText('Course complete.').waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'lesson-done');
      assert.equal(await progressValue(), 100);
      assert.equal(await page.getByRole('button', { name: 'Mark complete' }).count(), 0);
    });
    await step('the overview says so, in the dark scheme', async () => {
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.getByRole('link', { name: `← ${title}` }).click();
      await expectFocusedHeading(title);
      await page.getByText('Course complete.').waitFor();
      await page.getByText('✓ Completed').waitFor();
      await page.getByText('Quiz: best score 100 %, passed').waitFor();
      assert.equal(await page.locator('#resume').textContent(), `Review: ${lesson}`);
      assert.equal(await progressValue(), 100);
    });
    await step('the finished lesson on a phone', async () => {
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width: 360, height: 740 });
      await page.locator('#resume').click();
      await expectFocusedHeading(lesson);
      await page.getByText('You marked this lesson complete').waitFor();
      await expectNoSidewaysScroll();
    });
    await step('the finished lesson in high contrast', async () => {
      await page.getByRole('button', { name: 'High contrast' }).click();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'contrast');
    });
    await step('the catalogue on a phone, the course marked enrolled', async () => {
      await page.getByRole('link', { name: 'Learn', exact: true }).click();
      await expectFocusedHeading('Learn');
      await page.locator('.blueprint-row', { has: page.getByRole('link', { name: title, exact: true }) }).getByText('Enrolled', { exact: true }).waitFor();
      await expectNoSidewaysScroll();
    });
  },
});

/** Answers quiz question `q` by keyboard: the focus is on the group's first option (none
 * chosen yet); the arrow keys move the choice down to `option`, Space chooses the first one. */
async function chooseByKeyboard(q, option) {
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), `q-${q}`, `question ${q + 1} has the focus`);
  if (option === 0) await page.keyboard.press('Space');
  for (let i = 0; i < option; i += 1) await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator(`input[name="q-${q}"]:checked`).getAttribute('value'), String(option));
}

/** The course progress meter's value. */
async function progressValue() {
  return Number(await page.getByRole('meter', { name: 'Course progress' }).getAttribute('aria-valuenow'));
}

let failed = null;
try {
  const run = scenarios[scenario];
  if (!run) throw new Error(`unknown scenario ${scenario}; one of ${Object.keys(scenarios).join(', ')}`);
  await run();
} catch (error) {
  failed = error;
  try {
    if (page) shots.push(['failure', await page.screenshot({ fullPage: true })]);
  } catch {}
} finally {
  await browser.close();
}
// UI_SCREENSHOTS=1 keeps them on success too (to look at the pages).
if (failed || process.env.UI_SCREENSHOTS) {
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  shots.forEach(([name, png], index) => fs.writeFileSync(path.join(artifacts, `${String(index + 1).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-')}.png`), png));
  if (failed) {
    console.error(`${scenario} failed: ${failed.stack ?? failed}\nscreenshots: ${artifacts}`);
    process.exit(1);
  }
}
