import { test as base, expect, Page, BrowserContext } from "@playwright/test";
import { axeCheck } from "./axe";

// Consent records: the customer's history with its receipts in the portal, and the staff
// console at /admin where bank staff find a record and revoke it with a reason.
const SANDBOX = process.env.SANDBOX_URL ?? "http://127.0.0.1:3130";
const PASSWORD = "p@ssword!";
const APP = "Sandbox Demo App";

// Every other sandbox customer belongs to another spec, and both stories end the customer's
// consents, so the two JavaScript modes cannot run at once with one customer: the hydrated
// project runs both modes, one after the other, each in browser contexts of its own; the no-js
// project skips. With a second free sandbox user, this becomes the usual
// `const user = javaScriptEnabled ? "userA" : "userB"` in each project.
const USER = "user12";
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

/** What the demo app's introspection of `token` says (RFC 7662), parsed from its page. */
async function introspect(page: Page, token: string): Promise<{ active: boolean; consent_id?: string }> {
  const html = await (await page.request.post(`${SANDBOX}/demo/introspect`, { form: { token } })).text();
  const pre = /<pre id="introspection">([\s\S]*?)<\/pre>/.exec(html);
  expect(pre, "the introspection page shows the answer").not.toBeNull();
  const unescaped = pre![1]
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
  return JSON.parse(unescaped);
}

/** The demo app → sign in → Allow: the app's token and the id of the consent record it carries. */
async function consent(page: Page, user: string) {
  await page.goto(`${SANDBOX}/demo`);
  await page.getByRole("button", { name: "Sign in with the sandbox" }).click();
  await signIn(page, user);
  await page.getByRole("button", { name: "Allow" }).click();
  const token = (await page.locator("#access-token").textContent())!.trim();
  const answer = await introspect(page, token);
  expect(answer.active).toBe(true);
  expect(answer.consent_id, "the token names its consent record").toBeTruthy();
  return { token, id: answer.consent_id! };
}

async function portalSignIn(page: Page, user: string) {
  await page.goto("/portal");
  await page.getByRole("button", { name: "Sign in" }).click();
  await signIn(page, user);
  await expect(page.getByRole("heading", { name: "Your connected applications" })).toBeVisible();
}

/** The portal's records section, and in it the record `id`. */
function portalRecord(page: Page, id: string) {
  const records = page.getByRole("region", { name: "Your consent records" });
  const record = records.getByRole("listitem").filter({ has: page.locator(`a[href="/portal/receipt?id=${id}"]`) });
  return { records, record };
}

for (const js of [true, false]) {
  const mode = js ? "with JavaScript" : "without JavaScript";

  test(`portal: the consent records with their receipts; revoking ends the record (${mode})`, async ({ open, browser }) => {
    test.setTimeout(120_000);
    const expectAccessible = axeCheck(browser, js);
    const page = await open(js);
    const { token, id } = await consent(page, USER);

    await portalSignIn(page, USER);
    const { records, record } = portalRecord(page, id);
    await expect(records.getByRole("heading", { name: "Your consent records" })).toBeVisible();
    // The records come below the applications card.
    await expect(page.locator("section:has(#portal-title) ~ section.records")).toBeVisible();
    await expect(record).toHaveCount(1);
    await expect(record).toContainText(APP);
    await expect(record).toContainText("Active");
    await expect(record).toContainText(/Given \S/);
    await expect(record).toContainText(/Shares: \S/);
    await expectAccessible(page, `portal with its records (${mode})`);

    // The receipt: a JSON document for this record and this user.
    const receipt = record.getByRole("link", { name: `Download the receipt of your consent to ${APP}` });
    await expect(receipt).toHaveText("Download the receipt");
    await expect(receipt).toHaveAttribute("href", `/portal/receipt?id=${id}`);
    const href = (await receipt.getAttribute("href"))!;
    const answer = await page.request.get(href);
    expect(answer.status()).toBe(200);
    expect(answer.headers()["content-type"]).toContain("application/json");
    const json = await answer.json();
    expect(json.consentReceiptID).toBe(id);
    expect(json.piiPrincipalId).toBe(USER);
    expect(json.assent.status).toBe("authorized");

    // Revoke the application (as portal.spec.ts does): the record stays, ended by the customer.
    const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: APP }) });
    if (js) {
      await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
      await card.getByRole("link", { name: `Revoke access of ${APP}` }).click();
      const dialog = page.getByRole("dialog", { name: `Revoke access of ${APP}?` });
      await dialog.getByRole("button", { name: "Revoke access" }).click();
      await expect(page.getByRole("status")).toContainText(`Access of ${APP} revoked`);
      // The record ends in place, and stays ended on the next visit.
      await expect(record).toContainText("Ended by you just now");
      await expect(record).not.toContainText("Active");
      await page.reload();
    } else {
      await card.getByRole("link", { name: `Revoke access of ${APP}` }).click();
      await expect(page.getByRole("heading", { level: 1 })).toContainText(`Revoke access of ${APP}?`);
      await page.getByRole("button", { name: "Revoke access" }).click();
      await expect(page.getByRole("status")).toContainText("Access revoked");
    }
    await expect(page.getByRole("heading", { name: APP })).toHaveCount(0);
    await expect(record).toContainText("Ended");
    await expect(record).not.toContainText("Active");
    await expect(record).toContainText("Ended by you");
    expect((await introspect(page, token)).active).toBe(false);
    const ended = await (await page.request.get(href)).json();
    expect(ended.assent.status).not.toBe("authorized");
  });

  test(`staff console: customers are refused; staff find a consent and revoke it with a reason (${mode})`, async ({ open, browser }) => {
    test.setTimeout(150_000);
    const expectAccessible = axeCheck(browser, js);
    const customer = await open(js);
    const { token, id } = await consent(customer, USER);

    // Signed out: the console offers the staff sign-in only.
    const staff = await open(js);
    await staff.goto("/admin");
    await expect(staff.getByRole("heading", { name: "Consent records: bank staff" })).toBeVisible();
    await expect(staff.getByRole("button", { name: "Sign in as staff" })).toBeVisible();
    await expect(staff.getByRole("search")).toHaveCount(0);
    await expectAccessible(staff, `console, signed out (${mode})`);

    // A customer signing in there is refused, and gets no session.
    const refused = await open(js);
    await refused.goto("/admin");
    await refused.getByRole("button", { name: "Sign in as staff" }).click();
    const callback = refused.waitForResponse((r) => new URL(r.url()).pathname === "/admin/callback");
    await signIn(refused, USER);
    expect((await callback).status()).toBe(403);
    await expect(refused.getByRole("heading", { level: 1 })).toHaveText("This console is for bank staff");
    await refused.goto("/admin");
    await expect(refused.getByRole("button", { name: "Sign in as staff" })).toBeVisible();
    await expect(refused.getByText("Signed in as")).toHaveCount(0);

    // Staff sign in with the same form, and search for the customer.
    await staff.getByRole("button", { name: "Sign in as staff" }).click();
    await signIn(staff, "admin");
    await expect(staff.getByText("Signed in as Ada Admin")).toBeVisible();
    const search = staff.getByRole("search");
    await expect(search).toHaveAttribute("method", "get");
    await expect(search).toHaveAttribute("action", "/admin");
    await search.getByRole("searchbox", { name: "Customer id, account id, application or user" }).fill(USER);
    await search.getByRole("button", { name: "Search" }).click();
    await expect(staff).toHaveURL(`/admin?q=${USER}`);
    // A result's link is named with its application, customer and day.
    const result = staff
      .getByRole("link", { name: new RegExp(`^${APP} · `) })
      .and(staff.locator(`[href="/admin/record?id=${id}"]`));
    await expect(result).toBeVisible();
    await expectAccessible(staff, `console with results (${mode})`);

    // The record, its history, and the revocation form.
    await result.click();
    await expect(staff).toHaveURL(`/admin/record?id=${id}`);
    await expect(staff.getByRole("heading", { name: "History" })).toBeVisible();
    await expect(staff.getByRole("listitem").filter({ hasText: "Granted" })).toContainText("by the customer");
    const form = staff.locator("form").filter({ has: staff.getByRole("heading", { name: "Revoke this consent", exact: true }) });
    const reason = form.getByLabel("Reason (the customer sees it)");
    const revoke = form.getByRole("button", { name: "Revoke this consent" });
    await expect(reason).toBeVisible();
    await expect(revoke).toBeVisible();
    // Without JavaScript a required box confirms what ends (it cannot be undone); hydrated, the
    // dialog asks instead and the box is gone.
    const confirm = form.getByRole("checkbox", { name: /^I confirm: .+ loses this consent's access now, and this cannot be undone\.$/ });
    if (js) await expect(confirm).toBeHidden();
    else await expect(confirm).toBeVisible();
    await expectAccessible(staff, `console record (${mode})`);

    // No reason: the browser does not send the form (the reason is required).
    const posts: string[] = [];
    staff.on("request", (r) => {
      if (r.method() === "POST") posts.push(r.url());
    });
    await revoke.click();
    await expect(reason).toBeFocused();
    await expect(form.locator("textarea:invalid")).toHaveCount(1);
    expect(posts).toEqual([]);
    await expect(staff).toHaveURL(`/admin/record?id=${id}`);
    await expect(staff.getByText("The consent was revoked")).toHaveCount(0);
    // Spaces only are no reason: with JavaScript the browser says so at the reason and nothing
    // is asked or sent; without it, the record comes back saying what to fix.
    await reason.fill("   ");
    if (!js) await confirm.check();
    await revoke.click();
    if (js) {
      await expect(form.locator("textarea:invalid")).toHaveCount(1);
      expect(await reason.evaluate((r: HTMLTextAreaElement) => r.validationMessage)).toContain("Give a reason");
      await expect(staff.getByRole("dialog")).toHaveCount(0);
      expect(posts).toEqual([]);
    } else {
      await expect(staff.getByRole("alert")).toContainText("Give a reason");
      await expect(staff).toHaveURL(`/admin/record?id=${id}&reason=needed`);
    }
    await expect(staff.getByText("The consent was revoked")).toHaveCount(0);

    // With a reason: revoked under the staff member's name, the reason kept. With JavaScript,
    // a dialog asks first and says what ends; Cancel sends nothing and gives the focus back.
    // With a ticket's address in it: a long word that must wrap inside its card.
    const ticket = "https://support.bank.example/tickets/0123456789abcdef0123456789abcdef0123456789abcdef";
    const why = `The customer reported fraud by phone (${mode}): ${ticket}`;
    await reason.fill(why);
    if (!js) {
      // The box unticked: the browser does not send the form.
      const sent = posts.length;
      await revoke.click();
      await expect(form.locator("input[type=checkbox]:invalid")).toHaveCount(1);
      expect(posts.length).toBe(sent);
      await confirm.check();
    }
    await revoke.click();
    if (js) {
      const dialog = staff.getByRole("dialog", { name: new RegExp(`^Revoke customer .+'s consent to ${APP}\\?$`) });
      await expect(dialog).toBeVisible();
      await expect(dialog).toContainText("its tokens stop working now");
      await expectAccessible(staff, `console revoke dialog (${mode})`);
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await expect(dialog).toBeHidden();
      await expect(revoke).toBeFocused();
      expect(posts).toEqual([]);
      await revoke.click();
      await dialog.getByRole("button", { name: "Revoke this consent" }).click();
    }
    await expect(staff.getByRole("status")).toHaveText("The consent was revoked; its tokens no longer work.");
    const revoked = staff.getByRole("listitem").filter({ hasText: "Revoked" });
    await expect(revoked).toContainText("by Ada Admin (bank staff)");
    await expect(revoked).toContainText(why);
    await expect(staff.getByRole("heading", { name: "Revoke this consent", exact: true })).toHaveCount(0);
    expect((await introspect(staff, token)).active).toBe(false);

    // The customer sees who ended it, and why.
    await portalSignIn(customer, USER);
    const { record } = portalRecord(customer, id);
    await expect(record).toContainText("Ended");
    await expect(record).toContainText(/Ended by Ada Admin at the bank .*: /);
    await expect(record).toContainText(why);
    // On a phone the reason wraps: neither page scrolls sideways.
    for (const page of [customer, staff]) {
      await page.setViewportSize({ width: 375, height: 800 });
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(wide).toBeLessThanOrEqual(0);
    }
  });
}
