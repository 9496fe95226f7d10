import { test, expect, Page } from "@playwright/test";

const SANDBOX = process.env.SANDBOX_URL ?? "http://127.0.0.1:3130";
const SIZES = { phone: { width: 360, height: 780 }, desktop: { width: 1280, height: 900 } };

async function signIn(page: Page, user: string) {
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill("p@ssword!");
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function shoot(page: Page, name: string) {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [size, viewport] of Object.entries(SIZES)) {
      await page.setViewportSize(viewport);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${name} ${size} ${scheme} scrolls sideways`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `test-results/screens/${name}-${size}-${scheme}.png`, fullPage: true });
    }
  }
}

// Keeps the README's screenshots current (scripts/e2e.sh copies them to docs/screenshots when
// UPDATE_SCREENSHOTS=1), and checks no layout scrolls sideways.
test("screenshots of consent and portal, light and dark, phone and desktop", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "one set is enough");
  await page.goto(`${SANDBOX}/demo`);
  await page.getByRole("button", { name: "Sign in with the sandbox" }).click();
  await signIn(page, "user");
  await expect(page.getByRole("button", { name: "Allow" })).toBeVisible();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await shoot(page, "consent");
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
  await page.goto("/portal");
  await page.getByRole("button", { name: "Sign in" }).click();
  await signIn(page, "user");
  await expect(page.getByRole("heading", { name: "Your connected applications" })).toBeVisible();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await shoot(page, "portal");
  await page.getByRole("link", { name: "Revoke access of Sandbox Demo App" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize(SIZES.desktop);
  await page.screenshot({ path: "test-results/screens/portal-revoke-dialog-desktop-light.png" });
});

test("screenshots of the Open Finance consent screen", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "one set is enough");
  await page.goto(`${SANDBOX}/fdx-demo`);
  await page.getByRole("button", { name: "Connect your bank" }).click();
  await signIn(page, "user2");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("wants access to your financial data");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  const boxes = page.getByRole("group", { name: "Choose the accounts to share" }).getByRole("checkbox");
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await shoot(page, "fdx-consent");
});
