import { test, expect, Page, APIRequestContext } from "@playwright/test";
import { axeCheck } from "./axe";

// UK Open Banking at the sandbox's Albion Bank (workspace `obuk`), as a UK data recipient
// does it: it registers (DCR), creates the consent resource with a client-credentials token,
// pushes its authorization request naming that consent (`openbanking_intent_id`), and the
// customer decides on Assent's UK screen. The recipient's callback is answered here (its host
// does not exist), and the code exchanged over HTTP.
const SANDBOX = process.env.SANDBOX_URL ?? "http://127.0.0.1:3130";
const WS = `${SANDBOX}/default/obuk`;
const CALLBACK = "https://tpp.example/callback";

export interface Recipient {
  id: string;
  secret: string;
}

/** A confidential recipient of Albion Bank's, registered now with `scope`. */
export async function register(request: APIRequestContext, name: string, scope: string): Promise<Recipient> {
  const registered = await request.post(`${WS}/oauth2/register`, {
    data: {
      redirect_uris: [CALLBACK],
      client_name: name,
      token_endpoint_auth_method: "client_secret_basic",
      grant_types: ["authorization_code", "client_credentials"],
      scope,
    },
  });
  expect(registered.status(), await registered.text()).toBe(201);
  const body = await registered.json();
  return { id: body.client_id, secret: body.client_secret };
}

function basic(c: Recipient): string {
  return "Basic " + Buffer.from(`${c.id}:${c.secret}`).toString("base64");
}

/** The recipient's token endpoint call: client credentials, or a code exchanged. */
export async function token(request: APIRequestContext, c: Recipient, form: Record<string, string>): Promise<string> {
  const res = await request.post(`${WS}/oauth2/token`, { headers: { Authorization: basic(c) }, form });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()).access_token as string;
}

/** The pushed request naming consent `intent`: the URL the browser is sent to. */
export async function pushed(request: APIRequestContext, c: Recipient, intent: string, scope: string): Promise<string> {
  const claims = JSON.stringify({ id_token: { openbanking_intent_id: { value: intent, essential: true } } });
  const res = await request.post(`${WS}/par`, {
    headers: { Authorization: basic(c) },
    form: { response_type: "code", redirect_uri: CALLBACK, scope, state: "st-uk", claims },
  });
  expect(res.status(), await res.text()).toBe(201);
  const requestUri = (await res.json()).request_uri as string;
  return `${WS}/oauth2/authorize?client_id=${c.id}&request_uri=${encodeURIComponent(requestUri)}`;
}

/** Answers the recipient's callback in place of its (nonexistent) host; the URL it was called with. */
export async function answerCallback(page: Page): Promise<() => URL | undefined> {
  let called: URL | undefined;
  await page.route(`${CALLBACK}**`, async (route) => {
    called = new URL(route.request().url());
    await route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>Back at the app</title><h1>Back at the app</h1>" });
  });
  return () => called;
}

export async function signIn(page: Page, user: string) {
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill("p@ssword!");
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("UK account access: the data in plain words, two of three accounts shared, stopped in the portal", async ({ page, browser, javaScriptEnabled }) => {
  test.setTimeout(60_000);
  const expectAccessible = axeCheck(browser, javaScriptEnabled);
  const request = page.request;
  const recipient = await register(request, "Playwright Money Map", "openid accounts");
  const cc = await token(request, recipient, { grant_type: "client_credentials", scope: "accounts" });
  const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString();
  const created = await request.post(`${WS}/open-banking/v3.1/aisp/account-access-consents`, {
    headers: { Authorization: `Bearer ${cc}` },
    data: {
      Data: {
        Permissions: ["ReadAccountsDetail", "ReadBalances", "ReadTransactionsDetail", "ReadTransactionsCredits", "ReadTransactionsDebits"],
        ExpirationDateTime: inAYear,
        TransactionFromDateTime: "2025-01-01T00:00:00Z",
      },
      Risk: {},
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const consentId = (await created.json()).Data.ConsentId as string;
  const callback = await answerCallback(page);

  await page.goto(await pushed(request, recipient, consentId, "openid accounts"));
  await signIn(page, "user");

  // Assent's UK screen: the recipient, the data in the UK clusters' words (never the codes),
  // until when, and the customer's three accounts with none ticked.
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Playwright Money Map wants to see information from your accounts");
  await expect(page.getByRole("banner")).toContainText("Albion Bank");
  await expect(page.getByText("Your account details", { exact: true })).toBeVisible();
  await expect(page.getByText("Your account transactions", { exact: true })).toBeVisible();
  await expect(page.locator("main")).not.toContainText("ReadAccountsDetail");
  await expect(page.locator(".duration time")).toHaveAttribute("datetime", /^\d{4}-\d{2}-\d{2}/);
  const boxes = page.getByRole("group", { name: "Choose the accounts to share" }).getByRole("checkbox");
  await expect(boxes).toHaveCount(3);
  for (const box of await boxes.all()) await expect(box).not.toBeChecked();
  await expectAccessible(page, "UK account-access consent");

  if (javaScriptEnabled) {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    // The island: Allow asks for an account in place, and says what will be shared.
    await page.getByRole("button", { name: /^Allow/ }).click();
    await expect(page.getByRole("alert")).toContainText("Choose at least one account");
    await page.getByRole("checkbox", { name: /Current Account/ }).check();
    await page.getByRole("checkbox", { name: /Instant Saver/ }).check();
    await expect(page.getByText(/You are sharing 2 accounts/)).toBeVisible();
  } else {
    // The plain form: nothing chosen comes back with the screen and the reason (422).
    await page.getByRole("button", { name: /^Allow/ }).click();
    await expect(page.getByRole("alert")).toContainText("Choose at least one account");
    await page.getByRole("checkbox", { name: /Current Account/ }).check();
    await page.getByRole("checkbox", { name: /Instant Saver/ }).check();
  }
  await page.getByRole("button", { name: /^Allow/ }).click();
  await expect(page.getByRole("heading", { name: "Back at the app" })).toBeVisible();
  const code = callback()?.searchParams.get("code");
  expect(code, `callback ${callback()}`).toBeTruthy();

  // The bank serves exactly the two accounts chosen.
  const access = await token(request, recipient, { grant_type: "authorization_code", code: code!, redirect_uri: CALLBACK });
  const read = async () => request.get(`${SANDBOX}/bank/obuk/aisp/accounts`, { headers: { Authorization: `Bearer ${access}` } });
  const accounts = await read();
  expect(accounts.status()).toBe(200);
  const ids = ((await accounts.json()).Data.Account as { AccountId: string }[]).map((a) => a.AccountId).sort();
  expect(ids).toEqual(["UK-30001", "UK-30002"]);

  // The portal shows the consent with the accounts by name; its owner stops it.
  await page.goto("/portal");
  await page.getByRole("button", { name: "Sign in" }).click();
  await signIn(page, "user");
  const card = page.locator(`[data-consent-id="${consentId}"]`);
  await expect(card).toContainText("Playwright Money Map");
  await expect(card).toContainText("Current Account");
  await expect(card).toContainText("Instant Saver");
  await expect(card).not.toContainText("Credit Card");
  await expect(card).toContainText("Your account details");
  if (javaScriptEnabled) {
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    await card.getByRole("link", { name: /Stop sharing/ }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Stop sharing" }).click();
    await expect(page.getByRole("status")).toContainText("Stopped sharing with");
  } else {
    await card.getByRole("link", { name: /Stop sharing/ }).click();
    await page.getByRole("button", { name: "Stop sharing" }).click();
    await expect(page.getByRole("status")).toContainText("Sharing stopped");
  }
  await page.reload();
  await expect(page.locator(`[data-consent-id="${consentId}"]`)).toContainText("Stopped");
  // The recipient's next call to the bank is refused.
  expect((await read()).status()).toBe(401);
});
