import { test, expect } from "@playwright/test";
import { axeCheck } from "./axe";
import { answerCallback, CALLBACK, intent, pushed, register, SANDBOX, signIn, token } from "./recipient";

// UK Open Banking at the sandbox's Albion Bank (workspace `obuk`), as a UK data recipient
// does it: it registers (DCR), creates the consent resource with a client-credentials token,
// pushes its authorization request naming that consent (`openbanking_intent_id`), and the
// customer decides on Assent's UK screen.

test("UK account access: the data in plain words, two of three accounts shared, stopped in the portal", async ({ page, browser, javaScriptEnabled }) => {
  test.setTimeout(60_000);
  const expectAccessible = axeCheck(browser, javaScriptEnabled);
  const request = page.request;
  const recipient = await register(request, "obuk", "Playwright Money Map", "openid accounts");
  const cc = await token(request, recipient, { grant_type: "client_credentials", scope: "accounts" });
  const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString();
  const created = await request.post(`${recipient.ws}/open-banking/v3.1/aisp/account-access-consents`, {
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

  await page.goto(await pushed(request, recipient, { scope: "openid accounts", claims: intent(consentId) }));
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
    await expect(page.getByText(/Accounts you are sharing: \S+, \S+/)).toBeVisible();
  } else {
    // The plain form: nothing chosen comes back with the screen and the reason (422), the
    // reason focused and in view, far above the button on this long screen.
    await page.getByRole("button", { name: /^Allow/ }).click();
    await expect(page.getByRole("alert")).toContainText("Choose at least one account");
    await expect(page.getByRole("alert")).toBeFocused();
    await expect(page.getByRole("alert")).toBeInViewport();
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
