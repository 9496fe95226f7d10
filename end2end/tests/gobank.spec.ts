import { test, expect, Page, APIRequestContext } from "@playwright/test";
import { axeCheck } from "./axe";

// The generic Open Banking flow (the sandbox's Go Bank): an outside application registers
// itself (DCR), pushes its request (PAR, with PKCE), and the customer lands on Assent's generic
// consent screen, which asks which accounts to share: none ticked, at least one required.
const SANDBOX = process.env.SANDBOX_URL ?? "http://127.0.0.1:3130";
const CALLBACK = "https://tpp.example/callback";

/** A public client of Go Bank's, registered now; then a pushed request; returns the URL to send the browser to. */
async function pushedRequest(request: APIRequestContext): Promise<string> {
  const registered = await request.post(`${SANDBOX}/default/gobank/oauth2/register`, {
    data: {
      redirect_uris: [CALLBACK],
      client_name: "Playwright Budget App",
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code"],
      scope: "openid accounts",
    },
  });
  expect(registered.status()).toBe(201);
  const clientId = (await registered.json()).client_id as string;
  const pushed = await request.post(`${SANDBOX}/default/gobank/par`, {
    form: {
      client_id: clientId,
      response_type: "code",
      redirect_uri: CALLBACK,
      scope: "openid accounts",
      state: "st-1",
      code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      code_challenge_method: "S256",
    },
  });
  expect(pushed.status()).toBe(201);
  const requestUri = (await pushed.json()).request_uri as string;
  return `${SANDBOX}/default/gobank/oauth2/authorize?client_id=${clientId}&request_uri=${encodeURIComponent(requestUri)}`;
}

async function signIn(page: Page, user: string) {
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill("p@ssword!");
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("generic consent with accounts: none ticked, one required, the chosen one shared", async ({ page, browser, javaScriptEnabled }) => {
  // Customers with accounts whose other specs never look at Go Bank.
  const user = javaScriptEnabled ? "user5" : "user3";
  const expectAccessible = axeCheck(browser, javaScriptEnabled);
  await page.goto(await pushedRequest(page.request));
  await signIn(page, user);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Playwright Budget App");
  // Go Bank's own brand (the sandbox's ASSENT_CONFIG): its name and logo in the header.
  await expect(page.getByRole("banner")).toContainText("Go Bank");
  await expect(page).toHaveTitle(/ · Go Bank$/);
  const logo = page.getByRole("banner").locator("img.brand-logo");
  await expect(logo).toHaveAttribute("src", "/brands/gobank.svg");
  await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  const accounts = page.getByRole("group", { name: "Choose the accounts to share" });
  await expect(accounts).toBeVisible();
  const boxes = accounts.getByRole("checkbox");
  expect(await boxes.count()).toBeGreaterThanOrEqual(2);
  for (const box of await boxes.all()) await expect(box).not.toBeChecked();
  await expectAccessible(page, "generic consent with accounts");

  // Allow with no account: said in place (hydrated) or on the form again (without JavaScript).
  await page.getByRole("button", { name: "Allow" }).click();
  if (javaScriptEnabled) {
    await expect(page.getByRole("alert")).toHaveText("Choose at least one account to share, or choose Deny.");
  } else {
    await expect(page.getByText("Choose at least one account to share, or choose Deny.")).toBeVisible();
    await expect(page.getByRole("alert")).toBeFocused();
  }
  const first = page.getByRole("group", { name: "Choose the accounts to share" }).getByRole("checkbox").first();
  await first.check();
  if (javaScriptEnabled) {
    await expect(page.locator(".account-summary")).toContainText("1 chosen: ");
    // An account without the permission that shares it: asked about in place, never dropped.
    const permission = page.getByRole("checkbox", { name: /Your accounts/ });
    await permission.uncheck();
    await page.getByRole("button", { name: "Allow" }).click();
    await expect(page.getByRole("alert")).toContainText("not the permission that shares them");
    await permission.check();
  }
  // The application's callback is not a real site: the browser's request for it is the end.
  const callback = page.waitForRequest((r) => r.url().startsWith(CALLBACK));
  await page.getByRole("button", { name: "Allow" }).click();
  expect(new URL((await callback).url()).searchParams.get("code")).toBeTruthy();

  // The customer's portal (the sandbox's default workspace, which has no such application):
  // the record in the words of Go Bank's screen, and its own Revoke, which once hydrated opens
  // the same dialog as an application's card, named with its bank (what it ends is what the
  // application holds there). In a tab of its own: this one may still be
  // failing to reach the callback's host.
  const portal = await page.context().newPage();
  await portal.goto("/portal");
  await portal.getByRole("button", { name: "Sign in" }).click();
  await signIn(portal, user);
  const records = portal.getByRole("region", { name: "Your consent records" });
  const record = records.getByRole("listitem").filter({ hasText: "Playwright Budget App" });
  await expect(record).toContainText("Go Bank");
  await expect(record).toContainText("Shares: Sign you in, Your accounts");
  const revoke = record.getByRole("link", { name: "Revoke access of Playwright Budget App at Go Bank" });
  if (javaScriptEnabled) {
    await expect(portal.locator("body")).toHaveAttribute("data-hydrated", "true");
    await portal.evaluate(() => ((window as any).__samePage = true));
    await revoke.click();
    const dialog = portal.getByRole("dialog", { name: "Revoke access of Playwright Budget App at Go Bank?" });
    await dialog.getByRole("button", { name: "Revoke access" }).click();
    await expect(dialog).toBeHidden();
    await expect(portal.getByRole("status")).toContainText("Access of Playwright Budget App at Go Bank revoked");
    await expect(record).toContainText("Ended by you just now");
    expect(await portal.evaluate(() => (window as any).__samePage), "no page was loaded").toBe(true);
  } else {
    await revoke.click();
    await expect(portal.getByRole("heading", { level: 1 })).toContainText("Revoke access of Playwright Budget App at Go Bank?");
    await portal.getByRole("button", { name: "Revoke access" }).click();
    await expect(portal.getByRole("status")).toContainText("Access revoked");
  }
  await expect(revoke).toHaveCount(0);
  await expect(record).toContainText("Ended by you");
});
