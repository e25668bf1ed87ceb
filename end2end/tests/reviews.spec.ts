import { test, expect, type Page } from '@playwright/test';
import { signIn } from './fixtures/app';

// The third server of the run (its own tenant), so this review's snapshot is this test's to decide.
const URL_3 = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 2}`;
const ACME = 'org_acmeTravel000001';
const SUPPORT = 'org_travel0Support01';

test.use({ baseURL: URL_3 });

async function register(page: Page, name: string) {
  const base = new URL(page.url()).origin;
  const r = await page.request.post('/api/bots/register', {
    headers: { origin: base, 'content-type': 'application/json' },
    data: JSON.stringify({
      org_id: ACME, name, description: '', audience: 'https://api.travel0.example/',
      scopes: ['read:bookings'], idempotency_key: `${Date.now()}-${name}`,
    }),
  });
  expect(r.status(), await r.text()).toBe(200);
}

test('an access review by keyboard: start it, keep one bot with a note, remove another, download it, support sees it', async ({ page, browser }) => {
  await signIn(page, 'alice@acme.example', ACME);
  const keep = `Payroll ${Date.now()}`;
  const stale = `Stale ${Date.now()}`;
  const legacy = `Legacy ${Date.now()}`;
  await register(page, keep);
  await register(page, stale);
  await register(page, legacy);

  // Reached from the menu; started with the keyboard alone.
  await page.getByRole('link', { name: 'Reviews' }).click();
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Access reviews' })).toBeVisible();
  await page.getByLabel('Days to complete it').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('10');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('form-notice')).toContainText('Review started');
  await expect(page.getByTestId('review-state')).toContainText('Open until');
  await expect(page.getByRole('button', { name: 'Start a review' })).toHaveCount(0);

  // Keep: a note, then Enter.
  const kept = page.getByTestId('review-item').filter({ hasText: keep });
  await expect(kept).toContainText('owner alice@acme.example');
  await kept.getByLabel('Note (optional)').focus();
  await page.keyboard.type('runs payroll nightly');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('form-notice')).toContainText('Recorded');
  await expect(page.getByTestId('review-item').filter({ hasText: keep })).toHaveAttribute('data-decision', 'keep');
  await expect(page.getByTestId('review-item').filter({ hasText: keep }).getByTestId('review-decision'))
    .toContainText('Kept by alice@acme.example');

  // Remove: asked first, then done; the bot stays registered with no access.
  const removed = page.getByTestId('review-item').filter({ hasText: stale });
  await removed.getByRole('button', { name: `Remove ${stale}'s access` }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByText(`Take away all of ${stale}'s API access?`)).toBeVisible();
  await page.getByRole('button', { name: 'Remove', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('review-item').filter({ hasText: stale })).toHaveAttribute('data-decision', 'remove');
  await page.goto(`/orgs/${ACME}/bots`);
  await page.getByRole('link', { name: stale }).click();
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await expect(page.getByText('This bot has no API access yet.')).toBeVisible();

  // The review as CSV.
  await page.goto(`/orgs/${ACME}/reviews`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  const body = Buffer.concat(await (await download.createReadStream()).toArray()).toString();
  expect(body.split('\r\n')[0]).toContain('"organization","review","started_at"');
  expect(body).toContain(`"${keep}"`);
  expect(body).toContain('"runs payroll nightly"');
  expect(body).toContain('"remove"');

  // Carol, without JavaScript: the question on a page of its own, then back to the review.
  const plain = await browser.newContext({ baseURL: URL_3, javaScriptEnabled: false });
  const carol = await plain.newPage();
  await signIn(carol, 'carol@consult.example', ACME);
  await carol.goto(`/orgs/${ACME}/reviews`);
  const item = carol.getByTestId('review-item').filter({ hasText: legacy });
  await item.getByRole('button', { name: `Remove ${legacy}'s access` }).click();
  await expect(carol.getByText(`Take away all of ${legacy}'s API access?`)).toBeVisible();
  await carol.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(carol).toHaveURL(new RegExp(`/orgs/${ACME}/reviews$`));
  await expect(carol.getByTestId('form-notice')).toContainText('Recorded');
  await expect(carol.getByTestId('review-item').filter({ hasText: legacy })).toHaveAttribute('data-decision', 'remove');
  await plain.close();

  // Support staff see it among every organization's reviews.
  const other = await browser.newContext({ baseURL: URL_3 });
  const sam = await other.newPage();
  await signIn(sam, 'sam@travel0.example', SUPPORT, /\/support$/);
  await sam.getByRole('link', { name: 'Access reviews' }).click();
  await expect(sam.getByTestId('review-row').first()).toContainText(ACME);
  await other.close();
});

test('the credential policy and a bot owner, by keyboard alone', async ({ page }) => {
  await signIn(page, 'alice@acme.example', ACME);
  const name = `Owned ${Date.now()}`;
  await register(page, name);

  await page.goto(`/orgs/${ACME}/settings`);
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await page.getByLabel('Maximum credential age (days; 0 for none)').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('90');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('14');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('120');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel("Take away a bot's API access when its credential passes the maximum age")).toBeFocused();
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Save policy' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('form-notice')).toContainText('Credential policy saved');
  await page.reload();
  await expect(page.getByLabel('Start an access review every (days; 0 for only when an admin starts one)')).toHaveValue('120');
  await expect(page.getByLabel("Take away a bot's API access when its credential passes the maximum age")).toBeChecked();

  await page.goto(`/orgs/${ACME}/bots`);
  await page.getByRole('link', { name }).click();
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await expect(page.getByTestId('bot-owner')).toContainText('alice@acme.example answers for this bot');
  await expect(page.getByTestId('bot-owner')).toContainText('your policy allows 90');
  await page.getByLabel("New owner's email").focus();
  await page.keyboard.type('carol@consult.example');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('form-notice')).toContainText('The bot has a new owner');
  await expect(page.getByTestId('bot-owner')).toContainText('carol@consult.example answers for this bot');
});
