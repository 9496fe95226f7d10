import { test, expect } from "@playwright/test";
import { expectEqualProminence } from "./prominence";

const SANDBOX = process.env.SANDBOX_URL ?? "http://127.0.0.1:3130";

test("portal: see the app you allowed, revoke it, and its token stops working", async ({ page, request, browser, javaScriptEnabled }) => {
  // Each project uses its own user, so parallel runs never revoke each other's grants; user6
  // never consents to anything.
  const user = javaScriptEnabled ? "user4" : "user5";

  // Consent through the demo application.
  await page.goto(`${SANDBOX}/demo`);
  await page.getByRole("button", { name: "Sign in with the sandbox" }).click();
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill("p@ssword!");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Allow" }).click();
  const token = (await page.locator("#access-token").textContent())!.trim();
  // The demo app introspects its own token (RFC 7662).
  const introspect = async () => (await request.post(`${SANDBOX}/demo/introspect`, { form: { token } })).text();
  const userinfo = () => request.get(`${SANDBOX}/default/demo/userinfo`, { headers: { Authorization: `Bearer ${token}` } });
  expect(await introspect()).toContain("active: true");
  expect((await userinfo()).status()).toBe(200);

  // Sign in to the portal (no consent screen for the portal itself).
  await page.goto("/portal");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill("p@ssword!");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Your connected applications" })).toBeVisible();
  await expect(page.getByText("Signed in as")).toContainText(`${user}@example.com`);
  const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Sandbox Demo App" }) });
  await expect(card).toContainText("View your calendar");
  await expect(card).toContainText("Access granted");
  if (javaScriptEnabled) {
    // P-04: the tokens stay on the server: nothing in the browser's storages, and no cookie a
    // script can read.
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie])).toEqual([0, 0, ""]);
  }

  // A second user, in another browser, sees none of it.
  const other = await browser.newContext({ javaScriptEnabled });
  const otherPage = await other.newPage();
  await otherPage.goto("/portal");
  await otherPage.getByRole("button", { name: "Sign in" }).click();
  await otherPage.getByLabel("Username").fill("user6");
  await otherPage.getByLabel("Password").fill("p@ssword!");
  await otherPage.getByRole("button", { name: "Sign in" }).click();
  await expect(otherPage.getByText("Signed in as")).toContainText("user6@example.com");
  await expect(otherPage.getByText("No application has access to your account")).toBeVisible();
  await expect(otherPage.getByRole("heading", { name: "Sandbox Demo App" })).toHaveCount(0);
  await other.close();

  // Revoke: one confirmation that states the consequences, Cancel as prominent as Revoke.
  if (javaScriptEnabled) {
    // Hydrated: an in-page dialog; confirming removes the card without a reload.
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    await page.evaluate(() => ((window as any).__samePage = true));
    await expect(card.getByRole("link", { name: "Revoke access of Sandbox Demo App" })).toHaveAttribute("aria-haspopup", "dialog");
    await card.getByRole("link", { name: "Revoke access of Sandbox Demo App" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke access of Sandbox Demo App?" });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("immediately loses access");
    await expectEqualProminence(dialog.getByRole("button", { name: "Cancel" }), dialog.getByRole("button", { name: "Revoke access" }));
    await dialog.getByRole("button", { name: "Revoke access" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("status")).toContainText("Access of Sandbox Demo App revoked");
    await expect(page.getByRole("heading", { name: "Sandbox Demo App" })).toHaveCount(0);
    expect(await page.evaluate(() => (window as any).__samePage)).toBe(true);
  } else {
    // A link to a page, which says no dialog.
    await expect(card.getByRole("link", { name: "Revoke access of Sandbox Demo App" })).not.toHaveAttribute("aria-haspopup");
    await card.getByRole("link", { name: "Revoke access of Sandbox Demo App" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Revoke access of Sandbox Demo App?");
    await expectEqualProminence(page.getByRole("link", { name: "Cancel" }), page.getByRole("button", { name: "Revoke access" }));
    await page.getByRole("button", { name: "Revoke access" }).click();
    await expect(page.getByRole("status")).toContainText("Access revoked");
    await expect(page.getByRole("heading", { name: "Sandbox Demo App" })).toHaveCount(0);
    // Said once: the address says nothing, so a reload does not say it again.
    await expect(page).toHaveURL(/\/portal$/);
    await page.reload();
    await expect(page.getByText("Signed in as")).toBeVisible();
    await expect(page.getByText("Access revoked")).toHaveCount(0);
  }

  // The app's token is dead.
  expect(await introspect()).toContain("active: false");
  expect((await userinfo()).status()).toBe(401);

  // Signing out ends the session.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});

test("a visit from another site leaves the forms of the open tabs working", async ({ page, context, baseURL }) => {
  await page.goto("/portal");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Username").fill("user6");
  await page.getByLabel("Password").fill("p@ssword!");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Signed in as")).toContainText("user6@example.com");
  const browserId = async () => (await context.cookies()).find((c) => c.name.endsWith("assent-csrf"))?.value;
  const before = await browserId();
  expect(before).toBeTruthy();

  // Another site sends the browser to Assent, as an authorization server on its own domain does
  // to the consent page.
  const elsewhere = await context.newPage();
  await elsewhere.route("http://elsewhere.example/**", (route) =>
    route.fulfill({ contentType: "text/html", body: `<a href="${baseURL}/portal">Your consents</a>` }),
  );
  await elsewhere.goto("http://elsewhere.example/");
  await elsewhere.getByRole("link", { name: "Your consents" }).click();
  await expect(elsewhere.getByText("Signed in as")).toContainText("user6@example.com");
  expect(await browserId(), "the browser keeps its id").toBe(before);

  // The first tab's form still posts.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});
