import { test, expect } from "@playwright/test";

const SANDBOX = process.env.SANDBOX_URL ?? "http://127.0.0.1:3130";

// Not an assertion of looks: it keeps the README's screenshot current.
test("consent screen screenshot", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "one screenshot is enough");
  await page.setViewportSize({ width: 900, height: 1000 });
  await page.goto(`${SANDBOX}/demo`);
  await page.getByRole("button", { name: "Sign in with the sandbox" }).click();
  await page.getByLabel("Username").fill("user");
  await page.getByLabel("Password").fill("p@ssword!");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Allow" })).toBeVisible();
  await page.screenshot({ path: "test-results/consent.png", fullPage: true });
});
