import { test, expect, APIRequestContext } from "@playwright/test";
import { axeCheck } from "./axe";
import { answerCallback, CALLBACK, intent, pushed, Recipient, register, SANDBOX, signIn, token } from "./recipient";
import { expectEqualProminence } from "./prominence";

// A UK domestic payment at the sandbox's Albion Bank (workspace `obuk`), as a payment
// initiation service provider makes one: it registers (DCR), creates the payment consent with a
// client-credentials token, pushes its request naming it, and the customer confirms the payment
// on Assent's payment screen, which is not the account-access screen.

const INITIATION = {
  InstructionIdentification: "PW-1",
  EndToEndIdentification: "PW.E2E.1",
  InstructedAmount: { Amount: "1234.50", Currency: "GBP" },
  CreditorAccount: { SchemeName: "UK.OBIE.SortCodeAccountNumber", Identification: "08080021325698", Name: "ACME Energy Ltd" },
  RemittanceInformation: { Reference: "FRESCO-101" },
};

/** A registered payment provider and a new payment consent for `INITIATION`: its id. */
async function paymentConsent(request: APIRequestContext): Promise<[Recipient, string]> {
  const pisp = await register(request, "obuk", "Playwright Pay", "openid payments");
  const cc = await token(request, pisp, { grant_type: "client_credentials", scope: "payments" });
  const created = await request.post(`${pisp.ws}/open-banking/v3.1/pisp/domestic-payment-consents`, {
    headers: { Authorization: `Bearer ${cc}` },
    data: { Data: { Initiation: INITIATION }, Risk: {} },
  });
  expect(created.status(), await created.text()).toBe(201);
  return [pisp, (await created.json()).Data.ConsentId as string];
}

test("UK payment: amount, payee and reference shown, one account chosen, paid once, listed in the portal", async ({ page, browser, javaScriptEnabled }) => {
  test.setTimeout(60_000);
  const expectAccessible = axeCheck(browser, javaScriptEnabled);
  const request = page.request;
  const [pisp, consentId] = await paymentConsent(request);
  const callback = await answerCallback(page);
  await page.goto(await pushed(request, pisp, { scope: "openid payments", claims: intent(consentId) }));
  await signIn(page, "user");

  // The payment screen: what is paid, to whom, with which reference; the payee's account
  // masked; the customer's three accounts to pay from, none chosen.
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Playwright Pay wants to make a payment from your account");
  await expect(page.getByRole("banner")).toContainText("Albion Bank");
  await expect(page.locator(".amount")).toHaveText("£1,234.50");
  await expect(page.locator(".payee")).toContainText("ACME Energy Ltd");
  await expect(page.locator(".payee")).toContainText("…5698");
  await expect(page.locator("main")).not.toContainText("08080021325698");
  await expect(page.locator(".reference")).toContainText("FRESCO-101");
  const payFrom = page.getByRole("group", { name: "Pay from" }).getByRole("radio");
  await expect(payFrom).toHaveCount(3);
  for (const radio of await payFrom.all()) await expect(radio).not.toBeChecked();
  await expectEqualProminence(page.getByRole("button", { name: "Cancel payment" }), page.getByRole("button", { name: "Pay £1,234.50" }));
  await expectAccessible(page, "UK payment consent");

  if (javaScriptEnabled) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  // Paying with no account chosen asks for one (in place with the island; a 422 page without).
  await page.getByRole("button", { name: "Pay £1,234.50" }).click();
  await expect(page.getByRole("alert")).toContainText("Choose the account to pay from");
  await page.getByRole("radio", { name: /Current Account/ }).check();
  await page.getByRole("button", { name: "Pay £1,234.50" }).click();
  await expect(page.getByRole("heading", { name: "Back at the app" })).toBeVisible();
  const code = callback()?.searchParams.get("code");
  expect(code, `callback ${callback()}`).toBeTruthy();

  // The bank makes exactly this payment, once.
  const access = await token(request, pisp, { grant_type: "authorization_code", code: code!, redirect_uri: CALLBACK });
  const pay = () =>
    request.post(`${SANDBOX}/bank/obuk/pisp/domestic-payments`, {
      headers: { Authorization: `Bearer ${access}` },
      data: { Data: { ConsentId: consentId, Initiation: INITIATION }, Risk: {} },
    });
  const paid = await pay();
  expect(paid.status(), await paid.text()).toBe(201);
  expect((await pay()).status()).toBe(403);

  // The portal lists it under Payments, apart from data sharing, with nothing to stop.
  await page.goto("/portal");
  await page.getByRole("button", { name: "Sign in" }).click();
  await signIn(page, "user");
  const payments = page.getByRole("region", { name: "Payments" });
  const entry = payments.locator(`[data-consent="${consentId}"]`);
  await expect(entry).toContainText("Playwright Pay");
  await expect(entry.locator(".amount")).toHaveText("£1,234.50");
  await expect(entry).toContainText("ACME Energy Ltd");
  await expect(entry).toContainText("FRESCO-101");
  await expect(entry).toContainText("Current Account");
  await expect(entry.getByRole("link")).toHaveCount(0);
  await expect(entry.getByRole("button")).toHaveCount(0);
  await expect(page.locator(`[data-consent-id="${consentId}"]`)).toHaveCount(0);

  // The filter finds payments by their application's name too: as you type with the island,
  // by the Filter button's GET without it.
  if (javaScriptEnabled) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  const search = page.getByRole("searchbox", { name: "Filter by name" });
  await search.fill("no application is called this");
  if (!javaScriptEnabled) await page.getByRole("button", { name: "Filter", exact: true }).click();
  await expect(payments).toBeHidden();
  await page.getByRole("searchbox", { name: "Filter by name" }).fill("playwright pay");
  if (!javaScriptEnabled) await page.getByRole("button", { name: "Filter", exact: true }).click();
  await expect(entry).toBeVisible();
});

test("UK payment: Cancel payment sends the customer back with the refusal and nothing is paid", async ({ page, javaScriptEnabled }) => {
  const request = page.request;
  const [pisp, consentId] = await paymentConsent(request);
  const callback = await answerCallback(page);
  await page.goto(await pushed(request, pisp, { scope: "openid payments", claims: intent(consentId) }));
  await signIn(page, "user");
  if (javaScriptEnabled) await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("button", { name: "Cancel payment" }).click();
  await expect(page.getByRole("heading", { name: "Back at the app" })).toBeVisible();
  expect(callback()?.searchParams.get("error")).toBe("rejected");
  expect(callback()?.searchParams.get("error_cause")).toBe("consent_rejected");
  expect(callback()?.searchParams.get("code")).toBeNull();
  // The consent is rejected: a client-credentials read says so.
  const cc = await token(request, pisp, { grant_type: "client_credentials", scope: "payments" });
  const read = await request.get(`${pisp.ws}/open-banking/v3.1/pisp/domestic-payment-consents/${consentId}`, {
    headers: { Authorization: `Bearer ${cc}` },
  });
  expect(read.status()).toBe(200);
  expect((await read.json()).Data.Status).toBe("Rejected");
});
