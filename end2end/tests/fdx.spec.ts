import { test, expect, Page } from "@playwright/test";
import { axeCheck } from "./axe";

const SANDBOX = process.env.SANDBOX_URL ?? "http://127.0.0.1:3130";

async function signIn(page: Page, user: string) {
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill("p@ssword!");
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("Open Finance: share two of three accounts, see it in the portal, stop sharing", async ({ page, browser, javaScriptEnabled }) => {
  test.setTimeout(60_000);
  const expectAccessible = axeCheck(browser, javaScriptEnabled);
  // The data recipient pushes an FDX request (PAR + RAR, mutual TLS) and sends the browser on.
  await page.goto(`${SANDBOX}/fdx-demo`);
  await page.getByRole("button", { name: "Connect your bank" }).click();
  await signIn(page, "user");

  // Assent's consent screen: what, how long, how far back; the user's own accounts, none ticked.
  await expect(page.getByRole("heading", { level: 1 })).toContainText("wants access to your financial data");
  await expect(page.getByText("Account details and balances")).toBeVisible();
  await expect(page.getByText(/days of history/)).toBeVisible();
  const accounts = page.getByRole("group", { name: "Choose the accounts to share" }).getByRole("checkbox");
  await expect(accounts).toHaveCount(3);
  for (const box of await accounts.all()) await expect(box).not.toBeChecked();
  await expectAccessible(page, "FDX consent");
  await page.getByRole("checkbox", { name: /Everyday Checking/ }).check();
  await page.getByRole("checkbox", { name: /Rewards Credit Card/ }).check();
  await page.getByRole("button", { name: "Allow" }).click();

  // The recipient got exactly those accounts, and their data from the bank.
  const grantId = (await page.getByTestId("grant-id").first().textContent())!.trim();
  const granted = await page.getByTestId("granted-account").evaluateAll((els) => els.map((e) => e.getAttribute("data-account-id")));
  expect([...new Set(granted)].sort()).toEqual(["1000001", "1000003"]);
  await expect(page.getByTestId("consent-json")).toContainText("1000001");
  await expect(page.getByTestId("consent-json")).not.toContainText("1000002");
  await expect(page.getByTestId("bank-status").first()).toHaveText("200");

  // The portal lists it; the owner stops sharing.
  await page.goto("/portal");
  await page.getByRole("button", { name: "Sign in" }).click();
  await signIn(page, "user");
  const card = page.locator(`[data-consent-id="${grantId}"]`);
  await expect(card).toContainText("Everyday Checking");
  await expect(card).toContainText("Rewards Credit Card");
  await expect(card).not.toContainText("High-Yield Savings");
  await expect(card).toContainText("Active");
  // Its consent record, below: stopped by the card's action, with no Revoke of its own.
  const record = page.locator("li.record").filter({ has: page.locator(`a[href="/portal/receipt?id=${grantId}"]`) });
  await expect(record).toContainText("Active");
  await expect(record.getByRole("link", { name: /Revoke access/ })).toHaveCount(0);
  await expectAccessible(page, "portal with FDX consents");
  if (javaScriptEnabled) {
    // Hydrated: the in-page dialog; the card goes, and the live region says so.
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    await card.getByRole("link", { name: /Stop sharing/ }).click();
    const dialog = page.getByRole("dialog", { name: /Stop sharing your financial data with/ });
    await expect(dialog).toContainText("can no longer fetch your account data");
    await expectAccessible(page, "stop-sharing dialog");
    await dialog.getByRole("button", { name: "Stop sharing" }).click();
    await expect(page.getByRole("status")).toContainText("Stopped sharing with");
    await expect(card).toHaveCount(0);
    // Its record says so at once.
    await expect(record).toContainText("Ended by you just now");
    // After a reload the consent is listed as stopped.
    await page.reload();
    await expect(page.locator(`[data-consent-id="${grantId}"]`)).toContainText("Stopped");
  } else {
    await card.getByRole("link", { name: /Stop sharing/ }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Stop sharing your financial data with");
    await page.getByRole("button", { name: "Stop sharing" }).click();
    await expect(page.getByRole("status")).toContainText("Sharing stopped");
    await expect(page.locator(`[data-consent-id="${grantId}"]`)).toContainText("Stopped");
  }

  // The recipient's next bank call fails.
  await page.goto(`${SANDBOX}/fdx-demo`);
  await page.getByRole("button", { name: "Fetch again" }).click();
  await expect(page.getByTestId("bank-status").first()).toHaveText("401");
});
