import { test, expect, Page, Locator } from "@playwright/test";
import { axeCheck, scheme } from "./axe";

const SANDBOX = process.env.SANDBOX_URL ?? "http://127.0.0.1:3130";
async function signIn(page: Page, user: string) {
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill("p@ssword!");
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function toConsent(page: Page, user: string) {
  await page.goto(`${SANDBOX}/demo`);
  await page.getByRole("button", { name: "Sign in with the sandbox" }).click();
  await signIn(page, user);
  await expect(page.getByRole("button", { name: "Allow" })).toBeVisible();
  // Styles measured by the journeys (focus outlines) apply once the stylesheet has loaded.
  await page.waitForLoadState("load");
}

/** Presses Tab until `target` has the focus; fails after `max` presses. */
async function tabTo(page: Page, target: Locator, max = 40) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`could not reach ${target} with Tab`);
}

/** The focused element shows a visible focus indicator (an outline of at least 2px). */
async function expectVisibleFocus(target: Locator) {
  const outline = await target.evaluate((el) => {
    const s = getComputedStyle(el);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  expect(outline.style).not.toBe("none");
  expect(outline.width).toBeGreaterThanOrEqual(2);
}

test("every page has zero axe violations, light and dark", async ({ page, browser, javaScriptEnabled }) => {
  test.setTimeout(120_000);
  const expectAccessible = axeCheck(browser, javaScriptEnabled);
  for (const colors of ["light", "dark"] as const) {
    await scheme(page, colors);
    await page.goto("/");
    await expectAccessible(page, `home (${colors})`);
    await page.goto("/consent?login_id=nope&login_state=nope");
    await expectAccessible(page, `error page (${colors})`);
    await page.goto("/no/such/page");
    await expectAccessible(page, `not found (${colors})`);
    await page.goto("/portal");
    await expectAccessible(page, `portal, signed out (${colors})`);
  }
  await scheme(page, "light");
  await page.goto(`${SANDBOX}/demo`);
  await page.getByRole("button", { name: "Sign in with the sandbox" }).click();
  await expectAccessible(page, "sign-in");
  await signIn(page, "user7");
  await expect(page.getByRole("button", { name: "Allow" })).toBeVisible();
  await expectAccessible(page, "consent (light)");
  await scheme(page, "dark");
  await expectAccessible(page, "consent (dark)");
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();

  await page.goto("/portal");
  await page.getByRole("button", { name: "Sign in" }).click();
  await signIn(page, "user7");
  await expect(page.getByRole("heading", { name: "Your connected applications" })).toBeVisible();
  for (const colors of ["light", "dark"] as const) {
    await scheme(page, colors);
    await expectAccessible(page, `portal (${colors})`);
  }
  if (javaScriptEnabled) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("link", { name: "Revoke access of Sandbox Demo App" }).click();
  if (javaScriptEnabled) await expect(page.getByRole("dialog")).toBeVisible();
  await expectAccessible(page, javaScriptEnabled ? "revoke dialog" : "revoke confirmation");
});

test("the consent journey by keyboard alone", async ({ page }) => {
  await toConsent(page, "user7");
  // The skip link comes first and lands on the content.
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expectVisibleFocus(skip);
  await page.keyboard.press("Enter");

  const openid = page.getByRole("checkbox", { name: /Sign you in/ });
  await expect(openid).toBeDisabled();
  const profile = page.getByRole("checkbox", { name: /Profile/ });
  await tabTo(page, profile);
  await expectVisibleFocus(profile);
  await page.keyboard.press("Space");
  await expect(profile).not.toBeChecked();
  const allow = page.getByRole("button", { name: "Allow" });
  await tabTo(page, allow);
  await expectVisibleFocus(allow);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
  expect(await page.locator("#granted-scopes li").allTextContents()).not.toContain("profile");
});

test("the revoke journey by keyboard alone", async ({ page, javaScriptEnabled }) => {
  const user = javaScriptEnabled ? "user8" : "user9";
  await toConsent(page, user);
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();

  await page.goto("/portal");
  await tabTo(page, page.getByRole("button", { name: "Sign in" }));
  await page.keyboard.press("Enter");
  await tabTo(page, page.getByLabel("Username"));
  await page.keyboard.type(user);
  await page.keyboard.press("Tab");
  await page.keyboard.type("p@ssword!");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Your connected applications" })).toBeVisible();

  const revoke = page.getByRole("link", { name: "Revoke access of Sandbox Demo App" });
  if (javaScriptEnabled) {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    await tabTo(page, revoke);
    await expectVisibleFocus(revoke);
    // The dialog takes the focus; Escape cancels and gives it back.
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Revoke access of Sandbox Demo App?" });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(revoke).toBeFocused();
    // Again, and confirm: Cancel comes first, the destructive choice after it.
    await page.keyboard.press("Enter");
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.keyboard.press("Tab");
    const confirm = dialog.getByRole("button", { name: "Revoke access" });
    await expect(confirm).toBeFocused();
    await expectVisibleFocus(confirm);
    await page.keyboard.press("Enter");
    await expect(page.getByRole("status")).toContainText("Access of Sandbox Demo App revoked");
    await expect(page.getByRole("heading", { name: "Sandbox Demo App" })).toHaveCount(0);
    await expect(page.getByRole("heading", { level: 1 })).toBeFocused();
    return;
  }
  await tabTo(page, revoke);
  await expectVisibleFocus(revoke);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Revoke access of Sandbox Demo App?");
  const confirm = page.getByRole("button", { name: "Revoke access" });
  // Cancel comes first: the safe choice is reached before the destructive one.
  await tabTo(page, page.getByRole("link", { name: "Cancel" }));
  await page.keyboard.press("Tab");
  await expect(confirm).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toContainText("Access revoked");
  await expect(page.getByRole("heading", { name: "Sandbox Demo App" })).toHaveCount(0);
});

test("the language switcher translates every page and remembers the choice", async ({ page, browser, javaScriptEnabled }) => {
  const expectAccessible = axeCheck(browser, javaScriptEnabled);
  await page.goto("/portal");
  await page.getByRole("button", { name: "Español" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "es");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sus aplicaciones conectadas");
  await expect(page.getByRole("button", { name: "Español" })).toHaveAttribute("aria-pressed", "true");
  await page.goto("/");
  await expect(page.getByRole("link", { name: "Revisar las aplicaciones a las que dio acceso" })).toBeVisible();
  await expectAccessible(page, "home in Spanish");
  await page.getByRole("button", { name: "Português (Brasil)" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "pt-BR");
  await page.goto("/consent?login_id=nope&login_state=nope");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Este pedido de login expirou");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("This sign-in request has expired");
});

test("phones from 320 px wide: nothing scrolls sideways", async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await toConsent(page, "user7");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const allow = page.getByRole("button", { name: "Allow" });
  await allow.scrollIntoViewIfNeeded();
  await expect(allow).toBeInViewport({ ratio: 1 });
  await expect(page.getByRole("button", { name: "Deny" })).toBeInViewport({ ratio: 1 });
});
