import { test, expect } from '@playwright/test';
import { open, RulesPage } from './fixtures/app';

const GRANTED = 'Token issued for the organization in the request (org_id set).';
const DENIED = 'Refused: this API access does not use organizations, so naming one is an error.';

test('the page is complete without JavaScript, and stays static', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL });
  const page = await context.newPage();
  await open(page, '/rules', { hydrated: false });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('How a bot gets a token for your organization');
  const rules = new RulesPage(page);
  await expect(rules.outcome()).toHaveText(GRANTED);
  await rules.choose('Organization use for this API', 'deny');
  await expect(rules.outcome()).toHaveText(GRANTED);
  await expect(page.locator('main')).not.toHaveAttribute('data-hydrated', 'true');
  await context.close();
});

test('the explainer reacts once the wasm bundle has hydrated the page', async ({ page }) => {
  await open(page, '/rules');
  const rules = new RulesPage(page);
  await expect(rules.outcome()).toHaveText(GRANTED);
  await rules.choose('Organization use for this API', 'deny');
  await expect(rules.outcome()).toHaveText(DENIED);
  await rules.choose('Organization use for this API', 'require');
  await rules.choose('Organization in the request', 'none');
  await expect(rules.outcome()).toHaveText(/^Refused: this API access requires an organization/);
  await rules.choose("The bot's default organization", 'granted');
  await expect(rules.outcome()).toHaveText("Token issued for the bot's default organization (org_id set).");
});

test('links are page loads; a page with islands is ready again after one', async ({ page }) => {
  await open(page, '/rules');
  const main = page.getByRole('navigation', { name: 'Main' });
  // No client-side router: each page is rendered by the server and only its islands hydrate.
  const documents: string[] = [];
  page.on('request', (r) => { if (r.resourceType() === 'document') documents.push(new URL(r.url()).pathname); });
  await main.getByRole('link', { name: 'Overview' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).not.toHaveText('How a bot gets a token for your organization');
  await main.getByRole('link', { name: 'Access rules' }).click();
  await expect(page).toHaveURL(/\/rules$/);
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Access rules' })).toHaveAttribute('aria-current', 'page');
  await new RulesPage(page).choose('Organization use for this API', 'deny');
  await expect(new RulesPage(page).outcome()).toHaveText(DENIED);
  expect(documents).toEqual(['/', '/rules']);
});

test('only the islands are hydrated: the page around them is plain server HTML', async ({ page }) => {
  await open(page, '/rules');
  await expect(page.locator('leptos-island')).not.toHaveCount(0);
  // The explainer is an island; the heading above it is not.
  await expect(page.locator('leptos-island').getByTestId('outcome')).toHaveCount(1);
  await expect(page.locator('leptos-island h1')).toHaveCount(0);
});
