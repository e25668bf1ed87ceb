import { test, expect, type Page } from '@playwright/test';

const ACME = 'org_acmeTravel000001';
const GLOBEX = 'org_globexTours00001';

// The main flows with JavaScript off: every change form posts to the server and gets a real answer.
test.use({ javaScriptEnabled: false });

async function signInPlain(page: Page, email: string, org: string) {
  await page.goto(`/login?organization=${org}`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill('Travel0-demo!');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(new RegExp(`/orgs/${org}$`));
  await expect(page.locator('main')).not.toHaveAttribute('data-hydrated', 'true');
}

test('without JavaScript: register a bot, change its scopes, invite, change a role, approve an install, delete', async ({ page, browser, baseURL }) => {
  await signInPlain(page, 'alice@acme.example', ACME);
  const name = `No script ${Date.now()}`;
  await page.goto(`/orgs/${ACME}/bots`);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('read:bookings').check();
  await page.getByRole('button', { name: 'Register bot' }).click();
  // The secret is shown once, on the bots page rendered for this answer alone.
  await expect(page.getByTestId('secret-panel')).toBeVisible();
  await expect(page.getByTestId('bot-list')).toContainText(name);
  const clientId = (await page.getByTestId('client-id').textContent())!.trim();
  expect((await page.getByTestId('client-secret').textContent())!.trim().length).toBeGreaterThan(30);
  expect(page.url()).not.toContain('name=');

  await page.goto(`/orgs/${ACME}/bots/${clientId}`);
  await expect(page.getByTestId('bot-name')).toHaveText(name);
  const access = page.getByTestId('access-row').first();
  await access.getByLabel('write:bookings').check();
  await access.getByRole('button', { name: 'Save scopes' }).click();
  await expect(page.getByTestId('form-notice')).toHaveText('Scopes saved.');
  await expect(page.getByTestId('access-row').first().getByLabel('write:bookings')).toBeChecked();
  // The notice is shown once.
  await page.reload();
  await expect(page.getByTestId('form-notice')).toHaveCount(0);

  // A change that cannot be undone is asked about first.
  await page.getByRole('button', { name: 'Rotate secret' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Are you sure?');
  await page.getByRole('button', { name: 'Rotate now' }).click();
  await expect(page.getByTestId('secret-panel')).toBeVisible();

  await page.goto(`/orgs/${ACME}/invitations`);
  await page.getByLabel('Email', { exact: true }).fill(`nojs-${Date.now()}@acme.example`);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByTestId('form-notice')).toContainText('Invitation sent to');
  await expect(page.getByLabel('Invitation link (if the email does not arrive)')).toHaveValue(/organization=/);

  await page.goto(`/orgs/${ACME}/members`);
  const bob = page.locator('[data-testid="member-row"][data-email="bob@acme.example"]');
  const give = bob.getByRole('button', { name: 'Give billing' });
  const take = bob.getByRole('button', { name: 'Take billing' });
  await (await give.count() ? give : take).click();
  await expect(page.getByTestId('form-notice')).toHaveText('Role changed.');

  // Publish the bot as an app; another organization approves it without JavaScript.
  await page.goto(`/orgs/${ACME}/apps`);
  await page.getByLabel('Bot', { exact: true }).selectOption(clientId);
  await page.getByRole('button', { name: 'Choose' }).click();
  await expect(page.getByLabel('Bot', { exact: true })).toHaveValue(clientId);
  await page.getByLabel('Public description').fill('Published without any script');
  await page.getByRole('button', { name: 'Publish app' }).click();
  await expect(page.getByTestId('form-notice')).toContainText('Published');
  const link = await page.getByTestId('published-app').filter({ hasText: name }).getByRole('textbox', { name: 'Install link' }).inputValue();
  const globex = await browser.newPage({ baseURL, javaScriptEnabled: false });
  await signInPlain(globex, 'grace@globex.example', GLOBEX);
  await globex.goto(link);
  await globex.getByRole('button', { name: 'Approve for Globex Tours' }).click();
  await expect(globex.getByTestId('installed')).toContainText('Installed for Globex Tours.');
  await expect(globex.getByRole('button', { name: /Approve|Decline/ })).toHaveCount(0);
  await globex.close();

  // Delete: asked first, then back to the list.
  await page.goto(`/orgs/${ACME}/bots/${clientId}`);
  await page.getByRole('button', { name: 'Delete bot' }).click();
  await expect(page.getByText('Globex Tours will lose it too')).toBeVisible();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/orgs/${ACME}/bots$`));
  await expect(page.getByTestId('form-notice')).toHaveText('The bot was deleted.');
});

test('without JavaScript, a refused change says why on the page it came from', async ({ page }) => {
  await signInPlain(page, 'alice@acme.example', ACME);
  await page.goto(`/orgs/${ACME}/bots`);
  await page.getByLabel('Name', { exact: true }).fill('No scope chosen');
  await page.getByRole('button', { name: 'Register bot' }).click();
  await expect(page).toHaveURL(new RegExp(`/orgs/${ACME}/bots$`));
  await expect(page.getByTestId('form-notice')).toHaveText('Choose at least one scope.');
});
