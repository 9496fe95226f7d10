import { expect, Page, APIRequestContext } from "@playwright/test";

// A data recipient of one of the sandbox's Open Banking regimes (UK `obuk`, Australian `cdr`),
// as an outside application is one: registered by DCR, its tokens from the token endpoint,
// its requests pushed (PAR). Its callback is answered in the browser (the host does not exist).
export const SANDBOX = process.env.SANDBOX_URL ?? "http://127.0.0.1:3130";
export const CALLBACK = "https://tpp.example/callback";

export interface Recipient {
  /** The workspace's address, `{sandbox}/default/{wid}`. */
  ws: string;
  id: string;
  secret: string;
}

/** A confidential recipient of workspace `wid`, registered now with `scope`. */
export async function register(request: APIRequestContext, wid: string, name: string, scope: string): Promise<Recipient> {
  const ws = `${SANDBOX}/default/${wid}`;
  const registered = await request.post(`${ws}/oauth2/register`, {
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
  return { ws, id: body.client_id, secret: body.client_secret };
}

function basic(c: Recipient): string {
  return "Basic " + Buffer.from(`${c.id}:${c.secret}`).toString("base64");
}

/** The recipient's token endpoint call (client credentials, or a code exchanged): the answer. */
export async function tokens(request: APIRequestContext, c: Recipient, form: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await request.post(`${c.ws}/oauth2/token`, { headers: { Authorization: basic(c) }, form });
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

export async function token(request: APIRequestContext, c: Recipient, form: Record<string, string>): Promise<string> {
  return (await tokens(request, c, form)).access_token as string;
}

/** A pushed request with `form` (besides response type, callback and state): the URL the browser is sent to. */
export async function pushed(request: APIRequestContext, c: Recipient, form: Record<string, string>): Promise<string> {
  const res = await request.post(`${c.ws}/par`, {
    headers: { Authorization: basic(c) },
    form: { response_type: "code", redirect_uri: CALLBACK, state: "st-ob", ...form },
  });
  expect(res.status(), await res.text()).toBe(201);
  const requestUri = (await res.json()).request_uri as string;
  return `${c.ws}/oauth2/authorize?client_id=${c.id}&request_uri=${encodeURIComponent(requestUri)}`;
}

/** The UK way of naming a consent in the request: `openbanking_intent_id`. */
export function intent(consentId: string): string {
  return JSON.stringify({ id_token: { openbanking_intent_id: { value: consentId, essential: true } } });
}

/** Answers the recipient's callback in place of its host; the URL it was last called with. */
export async function answerCallback(page: Page): Promise<() => URL | undefined> {
  let called: URL | undefined;
  await page.route(`${CALLBACK}**`, async (route) => {
    called = new URL(route.request().url());
    await route.fulfill({
      status: 200,
      contentType: "text/html",
      body: "<!doctype html><html lang=en><title>Back at the app</title><h1>Back at the app</h1></html>",
    });
  });
  return () => called;
}

export async function signIn(page: Page, user: string) {
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill("p@ssword!");
  await page.getByRole("button", { name: "Sign in" }).click();
}
