import { test, expect, Page } from "@playwright/test";
import { axeCheck } from "./axe";

// What the islands add once hydrated. Without JavaScript the same forms work as plain HTML;
// the other specs run every journey in both modes.
const SANDBOX = process.env.SANDBOX_URL ?? "http://127.0.0.1:3130";

test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, "islands need JavaScript");

async function signIn(page: Page, user: string) {
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill("p@ssword!");
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Demo app, asking for `scopes` only when given; returns on the hydrated consent screen. */
async function toConsent(page: Page, user: string, scopes?: string[]) {
  await page.goto(`${SANDBOX}/demo`);
  if (scopes) {
    for (const box of await page.locator('input[name="scope"]').all()) {
      const value = await box.getAttribute("value");
      if (scopes.includes(value!)) await box.check();
      else await box.uncheck();
    }
  }
  await page.getByRole("button", { name: "Sign in with the sandbox" }).click();
  await signIn(page, user);
  await expect(page.getByRole("button", { name: "Allow" })).toBeVisible();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

test("consent: live summary, select all / none per service, openid locked, nothing chosen said in place", async ({ page, browser }) => {
  test.setTimeout(60_000);
  const expectAccessible = axeCheck(browser, true);
  await toConsent(page, "user10", ["openid", "email", "profile", "calendar.read"]);
  const summary = page.locator(".summary");
  await expect(summary).toHaveText("You are sharing 4 of 4 permissions.");
  const openid = page.getByRole("checkbox", { name: /Sign you in/ });
  await expect(openid).toBeDisabled();
  await expect(page.getByText("(required to sign in)")).toBeVisible();

  await page.getByRole("button", { name: "Select none — Your identity" }).click();
  await expect(page.getByRole("checkbox", { name: /Email address/ })).not.toBeChecked();
  await expect(page.getByRole("checkbox", { name: /Profile/ })).not.toBeChecked();
  await expect(openid).toBeChecked();
  await expect(summary).toHaveText("You are sharing 2 of 4 permissions.");
  await page.getByRole("button", { name: "Select all — Your identity" }).click();
  await expect(summary).toHaveText("You are sharing 4 of 4 permissions.");
  await page.getByRole("checkbox", { name: /View your calendar/ }).uncheck();
  await expect(summary).toHaveText("You are sharing 3 of 4 permissions.");
  // The calendar has one permission only: no select all there.
  await expect(page.getByRole("button", { name: /Calendar/ })).toHaveCount(0);

  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
  expect(await page.locator("#granted-scopes li").allTextContents()).toEqual(["openid", "email", "profile"]);

  // The same application again: what was granted is marked as already shared.
  await toConsent(page, "user10", ["openid", "email", "calendar.read"]);
  const email = page.locator(".scope").filter({ has: page.getByRole("checkbox", { name: /Email address/ }) });
  await expect(email).toContainText("Already shared");
  const calendar = page.locator(".scope").filter({ has: page.getByRole("checkbox", { name: /View your calendar/ }) });
  await expect(calendar).not.toContainText("Already shared");
  await expectAccessible(page, "consent with already shared scopes");
  await page.getByRole("button", { name: "Deny" }).click();
  await expect(page.getByRole("heading", { name: "Access was not granted" })).toBeVisible();

  // Without openid, unticking everything is stopped in place, with no round trip.
  await toConsent(page, "user10", ["email", "calendar.read"]);
  let decisions = 0;
  page.on("request", (r) => { if (r.url().includes("/api/consent/decide")) decisions++; });
  await page.getByRole("checkbox", { name: /Email address/ }).uncheck();
  await page.getByRole("checkbox", { name: /View your calendar/ }).uncheck();
  await expect(summary).toHaveText("You are sharing 0 of 2 permissions.");
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByRole("alert")).toHaveText("Select at least one permission to allow, or choose Deny.");
  // The groups at fault say so, described by the words above.
  const groups = page.locator("fieldset.scopes");
  for (const group of await groups.all()) {
    await expect(group).toHaveAttribute("aria-invalid", "true");
    await expect(group).toHaveAccessibleDescription("Select at least one permission to allow, or choose Deny.");
  }
  expect(page.url()).toContain("/consent?");
  expect(decisions).toBe(0);
  await page.getByRole("checkbox", { name: /Email address/ }).check();
  await expect(page.getByRole("alert")).toBeEmpty();
  for (const group of await groups.all()) await expect(group).not.toHaveAttribute("aria-invalid");
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
  expect(decisions).toBe(1);
});

test("consent: a refused decision is shown in place and announced", async ({ page, context }) => {
  await toConsent(page, "user11", ["openid", "email"]);
  // The CSRF cookie is gone (another browser, a cleared cookie): the server refuses.
  await context.clearCookies();
  await page.getByRole("button", { name: "Allow" }).click();
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("This form could not be verified");
  expect(page.url()).toContain("/consent?");
  // No double submit while a decision is on its way; after the refusal the form is usable.
  await expect(page.locator(".guarded-form")).toHaveAttribute("aria-busy", "false");
});

test("a decision on its way is said to screen readers, not only shown on its button", async ({ page }) => {
  await toConsent(page, "user10", ["openid", "email"]);
  // A polite live region outside the busy form, seen by no one.
  const status = page.locator(".busy-status[aria-live=polite]").filter({ hasText: "Sending…" });
  await expect(status).toHaveCount(0);
  // The decision's answer held until the page was looked at.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(
    (url) => url.pathname === "/api/consent/decide",
    async (route) => {
      await held;
      await route.continue();
    },
  );
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByRole("button", { name: "Sending…" })).toHaveAttribute("aria-disabled", "true");
  await expect(status).toHaveCount(1);
  release();
  await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
});

test("Open Finance: account picker with live summary, select all, at least one in place", async ({ page, browser }) => {
  const expectAccessible = axeCheck(browser, true);
  await page.goto(`${SANDBOX}/fdx-demo`);
  await page.getByRole("button", { name: "Connect your bank" }).click();
  await signIn(page, "user2");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  const summary = page.locator(".summary");
  await expect(summary).toHaveText("No account chosen yet.");
  const allow = page.getByRole("button", { name: /^Allow/ });
  await allow.click();
  await expect(page.getByRole("alert")).toHaveText("Choose at least one account to share, or choose Deny.");
  const group = page.getByRole("group", { name: "Choose the accounts to share" });
  await expect(group).toHaveAttribute("aria-invalid", "true");
  // Its hint, and why it stops the Allow.
  await expect(group).toHaveAccessibleDescription(/Choose at least one account to share, or choose Deny\.$/);
  await expectAccessible(page, "FDX consent, nothing chosen");

  const boxes = group.getByRole("checkbox");
  await boxes.nth(0).check();
  await expect(allow).toHaveText("Allow: share 1 account");
  await expect(page.getByRole("alert")).toBeEmpty();
  await expect(group).not.toHaveAttribute("aria-invalid");
  await expect(group).not.toHaveAccessibleDescription(/Choose at least one account/);
  await boxes.nth(1).check();
  await expect(summary).toContainText("2 chosen: ");
  await expect(allow).toHaveText("Allow: share 2 accounts");
  await page.getByRole("button", { name: "Select all" }).click();
  for (const box of await boxes.all()) await expect(box).toBeChecked();
  await expect(allow).toHaveText("Allow: share 3 accounts");
  await boxes.nth(2).uncheck();
  await allow.click();
  await expect(page.getByTestId("bank-status").first()).toHaveText("200");
  const granted = await page.getByTestId("granted-account").evaluateAll((els) => els.map((e) => e.getAttribute("data-account-id")));
  expect(new Set(granted).size).toBe(2);
});

test("Open Finance accounts by keyboard alone", async ({ page }) => {
  await page.goto(`${SANDBOX}/fdx-demo`);
  await page.getByRole("button", { name: "Connect your bank" }).click();
  await signIn(page, "user3");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  const first = page.getByRole("group", { name: "Choose the accounts to share" }).getByRole("checkbox").first();
  for (let i = 0; i < 40 && !(await first.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(first).toBeFocused();
  await page.keyboard.press("Space");
  await expect(first).toBeChecked();
  const allow = page.getByRole("button", { name: "Allow: share 1 account" });
  for (let i = 0; i < 20 && !(await allow.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
  await expect(allow).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("bank-status").first()).toHaveText("200");
});

test("portal: filter as you type", async ({ page }) => {
  test.setTimeout(60_000);
  await toConsent(page, "user2", ["openid", "email"]);
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
  await page.goto(`${SANDBOX}/fdx-demo`);
  await page.getByRole("button", { name: "Connect your bank" }).click();
  await signIn(page, "user2");
  await page.getByRole("group", { name: "Choose the accounts to share" }).getByRole("checkbox").first().check();
  await page.getByRole("button", { name: /^Allow/ }).click();
  await expect(page.getByTestId("bank-status").first()).toHaveText("200");

  await page.goto("/portal");
  await page.getByRole("button", { name: "Sign in" }).click();
  await signIn(page, "user2");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  const app = page.getByRole("heading", { name: "Sandbox Demo App" });
  await expect(app).toBeVisible();
  const filter = page.getByLabel("Filter by name");
  // The consent records below are filtered by the same name.
  const records = page.getByRole("region", { name: "Your consent records" });
  // (Other specs' user2 may have declined the demo app too: a record each.)
  const demoRecord = records.getByRole("listitem").filter({ hasText: "Sandbox Demo App" }).first();
  await expect(demoRecord).toBeVisible();
  await filter.fill("zzz");
  await expect(app).toBeHidden();
  await expect(page.getByText("No application matches this filter.")).toBeVisible();
  await expect(records).toBeHidden();
  // Case does not matter: the filter and the names are lowered by the browser's own Unicode.
  await filter.fill("SANDBOX Demo");
  await expect(app).toBeVisible();
  await expect(page.getByText("No application matches this filter.")).toBeHidden();
  await expect(demoRecord).toBeVisible();
  // Budget Buddy's records are still in the page, hidden (and so out of the accessibility tree).
  await expect(page.locator("li.record").filter({ hasText: "Budget Buddy" })).not.toHaveCount(0);
  await expect(page.locator("li.record:visible").filter({ hasText: "Budget Buddy" })).toHaveCount(0);
  // Cancel in the dialog changes nothing.
  await page.getByRole("link", { name: "Revoke access of Sandbox Demo App" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("dialog")).toBeHidden();
  await expect(app).toBeVisible();

  // What is typed before the island runs filters once it does (routing also bypasses the
  // browser's cache, so the code is fetched again, and held back).
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\.wasm(\?|$)/, async (route) => {
    await held;
    await route.continue();
  });
  await page.reload({ waitUntil: "domcontentloaded" });
  await filter.fill("zzz");
  await expect(page.locator("body")).not.toHaveAttribute("data-hydrated", "true");
  await expect(app).toBeVisible();
  release();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await expect(app).toBeHidden();
  await expect(page.getByText("No application matches this filter.")).toBeVisible();
});

test("what the user changed before the island woke up stays as they left it", async ({ page }) => {
  // Hold the islands' code back until the user has changed the form, as on a slow connection.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\.wasm(\?|$)/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${SANDBOX}/demo`);
  for (const box of await page.locator('input[name="scope"]').all()) {
    const value = await box.getAttribute("value");
    if (["openid", "email", "calendar.read"].includes(value!)) await box.check();
    else await box.uncheck();
  }
  await page.getByRole("button", { name: "Sign in with the sandbox" }).click();
  await signIn(page, "user4");
  const calendar = page.getByRole("checkbox", { name: /View your calendar/ });
  await expect(calendar).toBeChecked();
  await expect(page.locator("body")).not.toHaveAttribute("data-hydrated", "true");
  await calendar.uncheck();
  release();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  // Hydrating did not tick it back on, and the island counts it as the user left it.
  await expect(calendar).not.toBeChecked();
  await expect(page.getByText(/You are sharing 2 of 3 permissions/)).toBeVisible();
});

test("Allow takes no click in the first moments of its window at the front (DoubleClickjacking)", async ({ page }) => {
  await toConsent(page, "user10", ["openid", "email"]);
  let decisions = 0;
  page.on("request", (r) => { if (r.url().includes("/api/consent/decide")) decisions++; });
  const allow = page.getByRole("button", { name: "Allow" });
  // The stylesheet holds Allow back as the page shows, before any island runs.
  expect(await allow.evaluate((b) => [getComputedStyle(b).animationName, getComputedStyle(b).animationDelay]))
    .toEqual(["arm", "0.6s"]);
  // Once the stylesheet lets it, the island still holds it back: the window comes to the front
  // (a popup over it closed on a double-click's first press) and the second press lands on
  // Allow at once: nothing is sent.
  await expect(allow).toHaveCSS("pointer-events", "auto");
  const box = (await allow.boundingBox())!;
  await page.evaluate(() => window.dispatchEvent(new FocusEvent("focus")));
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForTimeout(300);
  expect(decisions).toBe(0);
  expect(page.url()).toContain("/consent?");
  // A moment later, Allow is Allow.
  await page.waitForTimeout(400);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
  expect(decisions).toBe(1);
});
