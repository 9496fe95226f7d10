import { test, expect, Page, Request } from "@playwright/test";
import { axeCheck, scheme } from "./axe";
import { expectEqualProminence } from "./prominence";

const SANDBOX = process.env.SANDBOX_URL ?? "http://127.0.0.1:3130";

/** Demo app -> sign in as `user`; returns once Assent's consent screen is shown. */
async function signInToConsent(page: Page, user: string) {
  await page.goto(`${SANDBOX}/demo`);
  await page.getByRole("button", { name: "Sign in with the sandbox" }).click();
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill("p@ssword!");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Sandbox Demo App wants access to your account");
}

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(`${m.text()} ${m.location().url}`); });
  return errors;
}

test("home page links to the sandbox demo application", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Assent" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Open the sandbox demo application" })).toHaveAttribute("href", `${SANDBOX}/demo`);
});

test("allow: the app receives exactly the scopes left ticked", async ({ page, javaScriptEnabled }) => {
  const errors = watchErrors(page);
  await signInToConsent(page, "user");
  await expect(page.getByText("Signed in as")).toContainText("user@example.com");
  if (javaScriptEnabled) {
    // The islands hydrate under the page's CSP.
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  }
  const openid = page.getByRole("checkbox", { name: /Sign you in/ });
  await expect(openid).toBeChecked();
  await expect(openid).toBeDisabled();
  await page.getByRole("checkbox", { name: /Profile/ }).uncheck();
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
  const granted = await page.locator("#granted-scopes li").allTextContents();
  expect(granted).toEqual(["openid", "email", "calendar.read"]);
  await expect(page.locator("#id-token-claims")).toContainText('"email": "user@example.com"');
  await expect(page.getByText("nonce matches")).toBeVisible();
  expect(errors).toEqual([]);
});

test("the consent page asks nothing of another site, and tells none where it is (C-16)", async ({ page, javaScriptEnabled }) => {
  // Every request from the navigation to the consent page on: its document, style, script,
  // wasm, the application's logo (proxied by Assent) and, hydrated, nothing more.
  const assent = new URL(test.info().project.use.baseURL!).origin;
  const asked: Request[] = [];
  page.on("request", (r) => {
    if (r.isNavigationRequest() && r.url().startsWith(`${assent}/consent?`)) asked.length = 0;
    asked.push(r);
  });
  await signInToConsent(page, "user");
  if (javaScriptEnabled) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.waitForLoadState("networkidle");
  expect(asked[0].url()).toContain("/consent?");
  expect(asked.length).toBeGreaterThan(javaScriptEnabled ? 3 : 1);
  expect(asked.map((r) => r.url()).filter((url) => new URL(url).origin !== assent)).toEqual([]);
  // The page's address holds login_state: no request the page makes carries it as a Referer
  // (every header the browser sent, as it sent them; the page's own request comes before it).
  for (const r of asked.slice(1)) expect((await r.headerValue("referer")) ?? "").not.toContain("login_state");
});

test("a double click on Allow is one decision: the app signs in with the scopes ticked", async ({ page, javaScriptEnabled }) => {
  const errors = watchErrors(page);
  await signInToConsent(page, "user5");
  if (javaScriptEnabled) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  // A slow answer, as on a busy day: the user clicks again while the first is on its way.
  const origin = new URL(page.url()).origin;
  const posts: string[] = [];
  await page.route((url) => url.origin === origin, async (route) => {
    if (route.request().method() === "POST") {
      posts.push(route.request().url());
      await new Promise((r) => setTimeout(r, 700));
    }
    await route.continue();
  });
  await page.getByRole("checkbox", { name: /Profile/ }).uncheck();
  // The mouse, as a user's: the second click lands while the first answer is awaited.
  const allow = page.getByRole("button", { name: "Allow" });
  await allow.scrollIntoViewIfNeeded();
  // Allow takes clicks once the page has shown for a moment (DoubleClickjacking).
  await expect(allow).toHaveCSS("pointer-events", "auto");
  const box = (await allow.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForTimeout(200);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
  const granted = await page.locator("#granted-scopes li").allTextContents();
  expect(granted).toEqual(["openid", "email", "calendar.read"]);
  // Without JavaScript the browser really sent the form twice; the second got the first's
  // answer. Hydrated, the form is disabled while its decision is on its way: one request.
  expect(posts.length).toBe(javaScriptEnabled ? 1 : 2);
  expect(errors).toEqual([]);
});

test("deny: the app receives the rejection", async ({ page }) => {
  await signInToConsent(page, "user2");
  await expectEqualProminence(page.getByRole("button", { name: "Deny" }), page.getByRole("button", { name: "Allow" }));
  await page.getByRole("button", { name: "Deny" }).click();
  await expect(page.getByRole("heading", { name: "Access was not granted" })).toBeVisible();
  await expect(page.locator("#error-code")).toHaveText("rejected");
  await expect(page.locator("#error-cause")).toHaveText("consent_rejected");
});

test("a used consent link shows a clear error page", async ({ page }) => {
  await signInToConsent(page, "user3");
  const consentUrl = page.url();
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
  const res = await page.goto(consentUrl);
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("This sign-in request has expired");
  await expect(page.getByText("Request id")).toBeVisible();
});

// C-31: an application that gets its answer in an app on this device (its own URI scheme) has no
// website's address behind its name; the consent screen says so, readable in both schemes.
test("an app on the user's device is flagged as one no website vouches for", async ({ page, request, browser, javaScriptEnabled }) => {
  const registered = await request.post(`${SANDBOX}/default/demo/oauth2/register`, {
    data: {
      redirect_uris: ["com.example.helper:/callback"],
      client_name: "Desktop Helper",
      token_endpoint_auth_method: "none",
      scope: "openid email",
    },
  });
  expect(registered.status(), await registered.text()).toBe(201);
  const clientId = (await registered.json()).client_id as string;
  const redirect = encodeURIComponent("com.example.helper:/callback");
  await page.goto(
    `${SANDBOX}/default/demo/oauth2/authorize?response_type=code&client_id=${clientId}&redirect_uri=${redirect}` +
      "&scope=openid%20email&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
  );
  await page.getByLabel("Username").fill("user");
  await page.getByLabel("Password").fill("p@ssword!");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Desktop Helper wants access to your account");
  const note = page.getByRole("note");
  await expect(note).toContainText("Check that you started this");
  await expect(note).toContainText("in an app on this device, one that names itself com.example.helper");
  const expectAccessible = axeCheck(browser, javaScriptEnabled);
  for (const colors of ["light", "dark"] as const) {
    await scheme(page, colors);
    await expectAccessible(page, `consent of an unverified app (${colors})`);
    if (javaScriptEnabled) await page.screenshot({ path: `test-results/screens/consent-unverified-${colors}.png`, fullPage: true });
  }
});
