import { test, expect, Page, CDPSession } from "@playwright/test";

// What the browser downloads: the consent page loads only its own island (never the portal's),
// and a second visit in the same browser takes no wasm or JavaScript from the network.
const SANDBOX = process.env.SANDBOX_URL ?? "http://127.0.0.1:3130";

test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, "downloads of code need JavaScript");

/** Demo app → sign in: the consent screen, hydrated. */
async function toConsent(page: Page) {
  await page.goto(`${SANDBOX}/demo`);
  await page.getByRole("button", { name: "Sign in with the sandbox" }).click();
  await page.getByLabel("Username").fill("user5");
  await page.getByLabel("Password").fill("p@ssword!");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Allow" })).toBeVisible();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/** The wasm and JavaScript that came over the network while `load` ran on `page`: URL and
 * bytes. The island's module may still be arriving when it has hydrated (its bytes stream in
 * as it compiles), and CDP's events come in their own time: it waits for the network to be
 * quiet before it stops listening. */
async function code(page: Page, cdp: CDPSession, load: () => Promise<void>) {
  const urls = new Map<string, string>();
  const got: { url: string; bytes: number }[] = [];
  const onResponse = (e: any) => {
    if (/wasm|javascript/.test(e.response.mimeType)) urls.set(e.requestId, e.response.url);
  };
  const onFinished = (e: any) => {
    const url = urls.get(e.requestId);
    if (url) got.push({ url, bytes: e.encodedDataLength });
  };
  cdp.on("Network.responseReceived", onResponse);
  cdp.on("Network.loadingFinished", onFinished);
  await load();
  await page.waitForLoadState("networkidle");
  cdp.off("Network.responseReceived", onResponse);
  cdp.off("Network.loadingFinished", onFinished);
  return got;
}

test("the consent page loads only its island's code, and a second visit none at all", async ({ page, context }) => {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const first = await code(page, cdp, () => toConsent(page));
  const names = first.map((r) => new URL(r.url).pathname);
  expect(names.some((n) => n.includes("consent_form"))).toBe(true);
  expect(first.every((r) => r.bytes > 0)).toBe(true);
  expect(names.filter((n) => /portal_list|fdx_account_picker/.test(n))).toEqual([]);
  // Every file of code has its content's hash in its name.
  for (const n of names) expect(n).toMatch(/\.[A-Za-z0-9_-]{22}\.(js|wasm)$/);

  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByRole("heading", { name: "Signed in" })).toBeVisible();
  const second = await code(page, cdp, () => toConsent(page));
  // The same files, each from the browser's cache: not a byte from the network.
  expect(second.map((r) => r.url).sort()).toEqual(first.map((r) => r.url).sort());
  expect(second.filter((r) => r.bytes > 0)).toEqual([]);
});
