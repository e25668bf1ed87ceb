import { test, expect, type Page } from '@playwright/test';
import { botToken, signIn } from './fixtures/app';

// Pages rendered on the server whose forms the desk's script posts in place (invitations, members, bots):
// no page load, the keyboard on the result, questions asked inline, nothing typed lost.
const ACME = 'org_acmeTravel000001';

async function invitations(page: Page) {
  await signIn(page, 'alice@acme.example', ACME);
  await page.goto(`/orgs/${ACME}/invitations`);
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  // Set once: a page load would lose it.
  await page.evaluate(() => { (window as unknown as { stayed: boolean }).stayed = true; });
}

const stayed = (page: Page) => page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed === true);

test('an invitation is sent, resent and withdrawn in place, with the keyboard alone', async ({ page }) => {
  const email = `inplace-${Date.now()}@acme.example`;
  await invitations(page);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Email', { exact: true }).press('Enter');
  const notice = page.getByTestId('form-notice');
  await expect(notice).toContainText(`Invitation sent to ${email}`);
  await expect(notice).toBeFocused();
  expect(await stayed(page)).toBe(true);
  // The form is ready for the next one; the new invitation is listed with its link.
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue('');
  const row = page.locator(`[data-testid="invitation-row"][data-email="${email}"]`);
  await expect(row).toContainText('expires');
  expect(await page.getByLabel('Invitation link (if the email does not arrive)').inputValue()).toContain(`organization=${ACME}`);

  // Copying the link says so.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await notice.getByRole('button', { name: 'Copy link' }).click();
  await expect(notice.getByRole('button', { name: 'Copy link' })).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(`organization=${ACME}`);

  await row.getByRole('button', { name: 'Resend' }).click();
  await expect(page.locator('form[aria-busy]')).toHaveCount(0);
  await expect(notice).toContainText(`Invitation sent to ${email}`);
  await expect(notice).toBeFocused();
  expect(await stayed(page)).toBe(true);

  // Revoking asks first, inline: Escape says no and the keyboard is back on the button.
  const revoke = row.getByRole('button', { name: 'Revoke', exact: true });
  await revoke.focus();
  await page.keyboard.press('Enter');
  const yes = page.getByRole('button', { name: 'Revoke invitation' });
  await expect(yes).toBeFocused();
  await expect(page.getByRole('group', { name: 'Confirm' })).toContainText(`Withdraw the invitation to ${email}?`);
  await page.keyboard.press('Escape');
  await expect(yes).toHaveCount(0);
  await expect(revoke).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(yes).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(notice).toHaveText('Invitation withdrawn.');
  await expect(row).toHaveCount(0);
  expect(await stayed(page)).toBe(true);
});

test('a dropped connection keeps what was typed and says so; the next try goes through', async ({ page }) => {
  const email = `dropped-${Date.now()}@acme.example`;
  await invitations(page);
  await page.route('**/forms/invitations/create', (route) => route.abort('connectionreset'));
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Valid for (days)').fill('3');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  const problem = page.getByTestId('form-problem');
  await expect(problem).toContainText('did not arrive');
  await expect(problem).toBeFocused();
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue(email);
  await expect(page.getByLabel('Valid for (days)')).toHaveValue('3');
  await expect(page.getByRole('button', { name: 'Send invitation' })).toBeEnabled();

  await page.unroute('**/forms/invitations/create');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByTestId('form-notice')).toContainText(`Invitation sent to ${email}`);
  expect(await stayed(page)).toBe(true);
});

test('while a change is on its way the button says so, takes no second press, and the queue ahead is shown', async ({ page }) => {
  const email = `slow-${Date.now()}@acme.example`;
  await invitations(page);
  let posts = 0;
  await page.route('**/forms/invitations/create', async (route) => {
    posts += 1;
    await new Promise((r) => setTimeout(r, 2500));
    await route.continue();
  });
  // What the server says while Auth0's rate limit holds calls back (the local tenant has none).
  await page.route('**/api/queue', (route) => route.fulfill({
    contentType: 'application/json', body: JSON.stringify({ waiting: 3, seconds: 2, per_second: 2 }),
  }));
  await page.getByLabel('Email', { exact: true }).fill(email);
  const send = page.getByRole('button', { name: 'Send invitation' });
  await send.click();
  const busy = page.getByRole('button', { name: 'Inviting…' });
  await expect(busy).toBeDisabled();
  await page.locator('form[aria-busy="true"]').evaluate((f: HTMLFormElement) => f.requestSubmit());
  await expect(page.getByTestId('queue-notice')).toContainText('3 calls are queued; about 2 s to go');
  await expect(page.getByTestId('form-notice')).toContainText(`Invitation sent to ${email}`);
  await expect(page.getByTestId('queue-notice')).toHaveCount(0);
  expect(posts).toBe(1);
});

test('a change after the session ended goes to sign-in, and comes back to the page', async ({ page, context }) => {
  await invitations(page);
  await context.clearCookies();
  await page.getByLabel('Email', { exact: true }).fill(`late-${Date.now()}@acme.example`);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  // A real page load to the tenant's sign-in, not its page inside this one.
  await expect(page.getByLabel('Email address')).toBeVisible();
  expect(await stayed(page)).toBe(false);
  await page.getByLabel('Email address').fill('alice@acme.example');
  await page.getByLabel('Password').fill('Travel0-demo!');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(new RegExp(`/orgs/${ACME}/invitations$`));
});

test('before the bundle arrives the same form posts as a plain form and the answer is the page', async ({ page }) => {
  await signIn(page, 'alice@acme.example', ACME);
  // A connection so slow that the bundle never comes while the person acts.
  await page.route('**/pkg/*.wasm', () => new Promise(() => {}));
  await page.goto(`/orgs/${ACME}/invitations`, { waitUntil: 'domcontentloaded' });
  await expect(page.locator('main[data-ready="true"]')).toHaveCount(0);
  const email = `early-${Date.now()}@acme.example`;
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByTestId('form-notice')).toContainText(`Invitation sent to ${email}`);
  await expect(page.locator(`[data-testid="invitation-row"][data-email="${email}"]`)).toBeVisible();
});

test('a role box posts itself: in place with the keyboard alone, and as a plain form before the bundle', async ({ page, browser, baseURL }) => {
  await signIn(page, 'alice@acme.example', ACME);
  await page.goto(`/orgs/${ACME}/members`);
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await page.evaluate(() => { (window as unknown as { stayed: boolean }).stayed = true; });
  const carol = page.locator('[data-testid="member-row"][data-email="carol@consult.example"]');
  const billing = carol.getByRole('checkbox', { name: 'billing' });
  const before = await billing.isChecked();
  await billing.focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('form-notice')).toHaveText('Role changed.');
  await expect(billing).toBeChecked({ checked: !before });
  await expect(billing).toBeFocused();
  expect(await stayed(page)).toBe(true);
  // The admin role asks first, inline; Escape leaves it as it was, the keyboard back on the box.
  const admin = carol.getByRole('checkbox', { name: 'admin' });
  await admin.focus();
  await page.keyboard.press('Space');
  await expect(carol.getByText('Take the admin role from carol@consult.example?')).toBeVisible();
  await expect(carol.getByRole('button', { name: 'Take admin role' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(carol.getByText('Take the admin role from carol@consult.example?')).toHaveCount(0);
  await expect(admin).toBeChecked();
  await expect(admin).toBeFocused();

  // Before the bundle arrives the same box posts as a plain form; the answer is the page.
  const early = await browser.newPage({ baseURL });
  await signIn(early, 'alice@acme.example', ACME);
  await early.route('**/pkg/*.wasm', () => new Promise(() => {}));
  await early.goto(`/orgs/${ACME}/members`, { waitUntil: 'domcontentloaded' });
  await expect(early.locator('main[data-ready="true"]')).toHaveCount(0);
  const earlyCarol = early.locator('[data-testid="member-row"][data-email="carol@consult.example"]');
  await earlyCarol.getByRole('checkbox', { name: 'billing' }).click();
  await expect(early.getByTestId('form-notice')).toHaveText('Role changed.');
  await expect(earlyCarol.getByRole('checkbox', { name: 'billing' })).toBeChecked({ checked: before });
  // The admin role is asked about on a page of its own; nothing changes until it is answered.
  await earlyCarol.getByRole('checkbox', { name: 'admin' }).click();
  await expect(early.getByRole('heading', { level: 1 })).toHaveText('Are you sure?');
  await expect(early.getByText('Take the admin role from carol@consult.example?')).toBeVisible();
  await expect(early.getByRole('button', { name: 'Take admin role' })).toBeVisible();
  await early.close();
});

test('one bot: rotate, revoke, grant again and rename in place; the new secret works and the old one does not', async ({ page, request }) => {
  await signIn(page, 'alice@acme.example', ACME);
  const origin = new URL(page.url()).origin;
  const made = await (await page.request.post('/api/bots/register', {
    headers: { origin, 'content-type': 'application/json' },
    data: JSON.stringify({ org_id: ACME, name: `Rotated ${Date.now()}`, description: '', audience: 'https://api.travel0.example/', scopes: ['read:bookings'], idempotency_key: `${Date.now()}-rotate-in-place` }),
  })).json();
  const path = `/orgs/${ACME}/bots/${made.client_id}`;
  await page.goto(path);
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await page.evaluate(() => { (window as unknown as { stayed: boolean }).stayed = true; });

  await page.getByRole('button', { name: 'Rotate secret' }).click();
  await expect(page.getByRole('button', { name: 'Rotate now' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('secret-panel')).toBeFocused();
  const secret = (await page.getByTestId('client-secret').textContent())!.trim();
  expect(secret).not.toBe(made.client_secret);
  expect(new URL(page.url()).pathname).toBe(path);
  expect(await stayed(page)).toBe(true);
  const curl = await page.locator('[data-testid="token-request"][data-language="curl"]').textContent();
  expect(curl).toContain('audience=https://api.travel0.example/');
  const tokenUrl = curl!.split(/\s+/)[2];
  expect((await botToken(request, tokenUrl, made.client_id, secret, ACME)).status()).toBe(200);
  expect((await botToken(request, tokenUrl, made.client_id, made.client_secret, ACME)).status()).toBe(401);

  await page.getByRole('button', { name: 'Revoke access' }).click();
  await page.getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(page.getByTestId('form-notice')).toHaveText('Access revoked.');
  await expect(page.getByText('This bot has no API access yet.')).toBeVisible();
  // Granting asks for a scope before anything is sent.
  await page.getByRole('button', { name: 'Grant access' }).click();
  await expect(page.getByTestId('form-problem')).toHaveText('Choose at least one scope.');
  await page.getByLabel('read:trips').check();
  await page.getByRole('button', { name: 'Grant access' }).click();
  await expect(page.getByTestId('form-notice')).toHaveText('Access granted.');
  await expect(page.getByTestId('access-row').getByLabel('read:trips')).toBeChecked();
  await expect(page.getByTestId('access-row').getByLabel('read:bookings')).not.toBeChecked();

  await page.getByRole('textbox', { name: 'Name' }).fill('Renamed in place');
  await page.getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByTestId('bot-name')).toHaveText('Renamed in place');
  await expect(page).toHaveTitle(/Renamed in place · Bots · Acme Travel/);
  expect(await stayed(page)).toBe(true);
});

test('publishing: choosing the bot brings its APIs and scopes, before the bundle as after', async ({ page }) => {
  await signIn(page, 'alice@acme.example', ACME);
  const origin = new URL(page.url()).origin;
  const register = async (name: string, scopes: string[]) => (await (await page.request.post('/api/bots/register', {
    headers: { origin, 'content-type': 'application/json' },
    data: JSON.stringify({ org_id: ACME, name, description: '', audience: 'https://api.travel0.example/', scopes, idempotency_key: `${Date.now()}-${name}` }),
  })).json()).client_id as string;
  const trips = await register(`Trips ${Date.now()}`, ['read:trips']);
  const invoices = await register(`Invoices ${Date.now()}`, ['read:invoices']);

  await page.goto(`/orgs/${ACME}/apps`);
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await page.getByLabel('Bot', { exact: true }).selectOption(trips);
  await expect(page).toHaveURL(new RegExp(`[?&]bot=${trips}$`));
  await expect(page.getByLabel('Bot', { exact: true })).toHaveValue(trips);
  await expect(page.getByLabel('read:trips')).toBeChecked();
  await expect(page.getByLabel('read:invoices')).not.toBeChecked();
  // The no-JavaScript button is not offered when the choice submits itself.
  await expect(page.getByRole('button', { name: 'Choose' })).toBeHidden();

  await page.route('**/pkg/*.wasm', () => new Promise(() => {}));
  await page.goto(`/orgs/${ACME}/apps`, { waitUntil: 'domcontentloaded' });
  await expect(page.locator('main[data-ready="true"]')).toHaveCount(0);
  await page.getByLabel('Bot', { exact: true }).selectOption(invoices);
  await expect(page).toHaveURL(new RegExp(`[?&]bot=${invoices}$`));
  await expect(page.getByLabel('read:invoices')).toBeChecked();
  await expect(page.getByLabel('read:trips')).not.toBeChecked();
});
