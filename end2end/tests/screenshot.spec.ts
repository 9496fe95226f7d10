import { test, expect, Page } from "@playwright/test";
import { intent, pushed, register, SANDBOX, signIn, token } from "./recipient";

const SIZES = { phone: { width: 360, height: 780 }, desktop: { width: 1280, height: 900 } };

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

// Both banks' consent screens, each in its own brand: a public client registered at the bank
// (DCR), its request pushed (PAR with PKCE), `user` signed in (accounts at both banks).
test("screenshots of Go Bank's and Hyperscale Bank's consent screens", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "one set is enough");
  for (const [wid, brand] of [["gobank", "Go Bank"], ["hyperscalebank", "Hyperscale Bank"]]) {
    const callback = "https://tpp.example/callback";
    const registered = await page.request.post(`${SANDBOX}/default/${wid}/oauth2/register`, {
      data: {
        redirect_uris: [callback],
        client_name: "Budget Buddy",
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code"],
        scope: "openid accounts",
      },
    });
    expect(registered.status()).toBe(201);
    const clientId = (await registered.json()).client_id as string;
    const pushed = await page.request.post(`${SANDBOX}/default/${wid}/par`, {
      form: {
        client_id: clientId,
        response_type: "code",
        redirect_uri: callback,
        scope: "openid accounts",
        state: "st-1",
        code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        code_challenge_method: "S256",
      },
    });
    expect(pushed.status()).toBe(201);
    const requestUri = encodeURIComponent((await pushed.json()).request_uri as string);
    await page.goto(`${SANDBOX}/default/${wid}/oauth2/authorize?client_id=${clientId}&request_uri=${requestUri}`);
    await signIn(page, "user");
    await expect(page.getByRole("banner")).toContainText(brand);
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    await page.getByRole("group", { name: "Choose the accounts to share" }).getByRole("checkbox").first().check();
    await shoot(page, `${wid}-consent`);
  }
});

// The UK and Australian screens: account access, a payment, a CDR arrangement, each from a
// recipient registered at its bank (see recipient.ts).
test("screenshots of the UK account-access, UK payment and CDR screens", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "one set is enough");
  test.setTimeout(90_000);
  const request = page.request;
  const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString();
  const uk = await register(request, "obuk", "Money Map", "openid accounts payments");
  const consent = async (path: string, scope: string, data: object) => {
    const cc = await token(request, uk, { grant_type: "client_credentials", scope });
    const created = await request.post(`${uk.ws}/open-banking/v3.1/${path}`, { headers: { Authorization: `Bearer ${cc}` }, data: { Data: data, Risk: {} } });
    expect(created.status(), await created.text()).toBe(201);
    return (await created.json()).Data.ConsentId as string;
  };
  const screens: [string, string][] = [
    [
      "obuk-consent",
      await pushed(request, uk, {
        scope: "openid accounts",
        claims: intent(
          await consent("aisp/account-access-consents", "accounts", {
            Permissions: ["ReadAccountsDetail", "ReadBalances", "ReadTransactionsDetail", "ReadTransactionsCredits", "ReadTransactionsDebits"],
            ExpirationDateTime: inAYear,
            TransactionFromDateTime: "2025-01-01T00:00:00Z",
          }),
        ),
      }),
    ],
    [
      "obuk-payment",
      await pushed(request, uk, {
        scope: "openid payments",
        claims: intent(
          await consent("pisp/domestic-payment-consents", "payments", {
            Initiation: {
              InstructionIdentification: "SHOT-1",
              EndToEndIdentification: "SHOT.1",
              InstructedAmount: { Amount: "1234.50", Currency: "GBP" },
              CreditorAccount: { SchemeName: "UK.OBIE.SortCodeAccountNumber", Identification: "08080021325698", Name: "ACME Energy Ltd" },
              RemittanceInformation: { Reference: "FRESCO-101" },
            },
          }),
        ),
      }),
    ],
  ];
  const cdr = await register(request, "cdr", "Pocket Ledger", "openid bank:accounts.basic:read bank:transactions:read common:customer.basic:read");
  screens.push(["cdr-consent", await pushed(request, cdr, { scope: "openid bank:accounts.basic:read bank:transactions:read common:customer.basic:read", sharing_duration: "7776000" })]);
  for (const [name, url] of screens) {
    await page.goto(url);
    if (await page.getByLabel("Username").isVisible()) await signIn(page, "user");
    await expect(page.getByRole("heading", { level: 1 })).toContainText("wants to");
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    await shoot(page, name);
  }
});
