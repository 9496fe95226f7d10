import { test as base, expect, Page, BrowserContext } from "@playwright/test";
import { axeCheck } from "./axe";

// The sandbox's account aggregator (/aggregator): its own sign-in, then Go Bank and Hyperscale
// Bank connected one after the other (PAR with private_key_jwt, the bank's sign-in, Assent's
// consent page in each bank's brand), both banks' accounts side by side; bank staff revoke the
// Go Bank consent in Assent's console and the aggregator says it ended (Reconnect) while
// Hyperscale Bank still shows its data; Disconnect revokes the aggregator's tokens.
const SANDBOX = process.env.SANDBOX_URL ?? "http://127.0.0.1:3130";
const PASSWORD = "p@ssword!";
const APP = "Assent Aggregator";
// The aggregator's one user, and the one bank customer with accounts at both banks: the two
// JavaScript modes cannot run at once with them, so the hydrated project runs both modes, one
// after the other, each in browser contexts of its own; the no-js project skips.
const AGGREGATOR_USER = "demo";
const CUSTOMER = "user";
base.skip(({ javaScriptEnabled }) => !javaScriptEnabled, "both modes run in the hydrated project, with one customer");
base.describe.configure({ mode: "serial" });

/** `open(js)`: a page in a browser context of its own, with JavaScript on or off. */
const test = base.extend<{ open: (javaScriptEnabled: boolean) => Promise<Page> }>({
  open: async ({ browser }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (javaScriptEnabled) => {
      const context = await browser.newContext({ javaScriptEnabled });
      contexts.push(context);
      return context.newPage();
    });
    for (const context of contexts) await context.close();
  },
});

async function signIn(page: Page, user: string) {
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** A bank's card on the dashboard. */
function bank(page: Page, wid: string) {
  return page.locator(`article[data-bank="${wid}"]`);
}

/** Connect (or Reconnect) `wid` from the dashboard: the bank's sign-in, Assent's consent page
 * in the bank's brand, the first account shared; back on the dashboard. */
async function connect(page: Page, wid: string, brand: string, button = `Connect ${brand}`) {
  const authorizeRequest = page.waitForRequest((r) => r.url().includes(`/default/${wid}/oauth2/authorize`));
  await bank(page, wid).getByRole("button", { name: button }).click();
  // Only client_id and request_uri reach the browser (PAR).
  const authorize = new URL((await authorizeRequest).url());
  expect([...authorize.searchParams.keys()]).toEqual(["client_id", "request_uri"]);
  await signIn(page, CUSTOMER);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(APP);
  await expect(page.getByRole("banner")).toContainText(brand);
  const accounts = page.getByRole("group", { name: "Choose the accounts to share" });
  await accounts.getByRole("checkbox").first().check();
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page).toHaveURL(`${SANDBOX}/aggregator`);
}

/** The staff console's records of the aggregator for the customer: their links. */
async function aggregatorRecords(staff: Page): Promise<string[]> {
  await staff.goto(`/admin?q=${CUSTOMER}`);
  const links = staff.getByRole("link", { name: new RegExp(`^${APP} · `) });
  return Promise.all((await links.all()).map(async (l) => (await l.getAttribute("href"))!));
}

for (const js of [true, false]) {
  const mode = js ? "with JavaScript" : "without JavaScript";
  test(`aggregator: two banks side by side; one ended by the bank, the other disconnected (${mode})`, async ({ open, browser }) => {
    test.setTimeout(180_000);
    const expectAccessible = axeCheck(browser, js);
    // Bank staff, signed in to Assent's console first (to tell Go Bank's new record apart).
    const staff = await open(js);
    await staff.goto("/admin");
    await staff.getByRole("button", { name: "Sign in as staff" }).click();
    await signIn(staff, "admin");
    await expect(staff.getByText("Signed in as Ada Admin")).toBeVisible();
    const before = await aggregatorRecords(staff);

    // The aggregator's own sign-in.
    const page = await open(js);
    await page.goto(`${SANDBOX}/aggregator`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Assent Aggregator");
    await page.getByLabel("Username").fill(AGGREGATOR_USER);
    await page.getByLabel("Password").fill("wrong");
    await page.getByRole("button", { name: "Sign in to the aggregator" }).click();
    await expect(page.getByRole("alert")).toHaveText("Wrong username or password.");
    await page.getByLabel("Username").fill(AGGREGATOR_USER);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in to the aggregator" }).click();
    await expect(page.getByTestId("aggregator-user")).toHaveText(AGGREGATOR_USER);
    // What an earlier run left connected is let go first.
    for (const wid of ["gobank", "hyperscalebank"]) {
      const card = bank(page, wid);
      for (const name of ["Disconnect", "Forget"]) {
        if (await card.getByRole("button", { name }).count()) await card.getByRole("button", { name }).click();
      }
      await expect(card).toHaveAttribute("data-status", "not-connected");
    }
    await expectAccessible(page, `aggregator dashboard, nothing connected (${mode})`);

    // Go Bank, then Hyperscale Bank: both banks' accounts side by side.
    await connect(page, "gobank", "Go Bank");
    const after = await aggregatorRecords(staff);
    const goBankRecord = after.filter((href) => !before.includes(href));
    expect(goBankRecord, "Go Bank's new consent record").toHaveLength(1);
    await connect(page, "hyperscalebank", "Hyperscale Bank");
    for (const wid of ["gobank", "hyperscalebank"]) {
      await expect(bank(page, wid)).toHaveAttribute("data-status", "connected");
      await expect(bank(page, wid).getByTestId("bank-status")).toHaveText("Connected");
    }
    await expect(bank(page, "gobank").getByTestId("account")).not.toHaveCount(0);
    await expect(bank(page, "gobank").getByTestId("balance").first()).toBeVisible();
    await expectAccessible(page, `aggregator dashboard, two banks (${mode})`);

    // Bank staff revoke Go Bank's consent: Go Bank ended, with Reconnect; Hyperscale Bank as before.
    await staff.goto(goBankRecord[0]);
    // Hydrated, Revoke asks first in a dialog; before that it is the plain form.
    if (js) await expect(staff.locator("body")).toHaveAttribute("data-hydrated", "true");
    const form = staff.locator("form").filter({ has: staff.getByRole("heading", { name: "Revoke this consent", exact: true }) });
    await form.getByLabel("Reason (the customer sees it)").fill(`Aggregator test (${mode})`);
    if (!js) await form.getByRole("checkbox", { name: /^I confirm:/ }).check();
    await form.getByRole("button", { name: "Revoke this consent" }).click();
    if (js) {
      await staff.getByRole("dialog").getByRole("button", { name: "Revoke this consent" }).click();
    }
    await expect(staff.getByRole("status")).toHaveText("The consent was revoked; its tokens no longer work.");
    await page.reload();
    await expect(bank(page, "gobank")).toHaveAttribute("data-status", "ended");
    await expect(bank(page, "gobank").getByTestId("ended")).toContainText("ended by the bank or by you");
    await expect(bank(page, "gobank").getByRole("button", { name: "Reconnect" })).toBeVisible();
    await expect(bank(page, "hyperscalebank")).toHaveAttribute("data-status", "connected");

    // Disconnect Hyperscale Bank: not connected any more; Reconnect Go Bank: connected again.
    await bank(page, "hyperscalebank").getByRole("button", { name: "Disconnect" }).click();
    await expect(bank(page, "hyperscalebank")).toHaveAttribute("data-status", "not-connected");
    await connect(page, "gobank", "Go Bank", "Reconnect");
    await expect(bank(page, "gobank")).toHaveAttribute("data-status", "connected");
    await bank(page, "gobank").getByRole("button", { name: "Disconnect" }).click();
    await expect(bank(page, "gobank")).toHaveAttribute("data-status", "not-connected");
  });
}
