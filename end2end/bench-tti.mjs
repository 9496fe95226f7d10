// `make bench`: what a page costs a browser, measured in headless Chromium over the DevTools
// protocol. For each page: the bytes of wasm and JavaScript that cross the wire on a first
// visit (an empty cache; headers included, compressed as Assent serves them) and on a repeat
// visit (the same browser, the page of another flow), and the time until its islands are
// hydrated on a throttled connection (1.6 Mbps down, 750 kbps up, 150 ms round trip, 4x CPU
// slowdown: Lighthouse's mobile profile), median of 5 cold loads.
//
// node end2end/bench-tti.mjs NAME=URL[,URL2] [NAME=URL[,URL2] ...] [--cookie NAME=VALUE]
// URL2 is the repeat visit's page (another flow); the first URL is loaded again without it.
import { chromium } from "@playwright/test";

const pages = [];
const cookies = [];
for (let i = 2; i < process.argv.length; i++) {
  const arg = process.argv[i];
  if (arg === "--cookie") {
    const [name, ...rest] = process.argv[++i].split("=");
    cookies.push({ name, value: rest.join("=") });
  } else {
    const at = arg.indexOf("=");
    const [first, repeat] = arg.slice(at + 1).split(",");
    pages.push({ name: arg.slice(0, at), first, repeat: repeat ?? first });
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

async function newPage(url) {
  const context = await browser.newContext();
  if (cookies.length) {
    await context.addCookies(cookies.map((c) => ({ ...c, url: new URL(url).origin })));
  }
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  return { context, page, cdp };
}

// Bytes over the wire of each kind while `load` runs.
async function transfer(cdp, load) {
  const kinds = new Map();
  const bytes = { code: 0, html: 0, other: 0, cached: 0 };
  const onResponse = (e) => {
    const type = e.response.mimeType;
    const kind = /wasm|javascript/.test(type) ? "code" : /html/.test(type) ? "html" : "other";
    kinds.set(e.requestId, kind);
  };
  const onCached = (e) => { bytes.cached += 1; kinds.set(e.requestId, "cached"); };
  const onFinished = (e) => {
    const kind = kinds.get(e.requestId) ?? "other";
    if (kind !== "cached") bytes[kind] += e.encodedDataLength;
  };
  cdp.on("Network.responseReceived", onResponse);
  cdp.on("Network.requestServedFromCache", onCached);
  cdp.on("Network.loadingFinished", onFinished);
  await load();
  cdp.off("Network.responseReceived", onResponse);
  cdp.off("Network.requestServedFromCache", onCached);
  cdp.off("Network.loadingFinished", onFinished);
  return bytes;
}

const hydrated = (page) => page.waitForSelector("body[data-hydrated=true]", { timeout: 30000 });
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

for (const { name, first, repeat } of pages) {
  // Bytes, unthrottled: a first visit, then a repeat visit in the same browser.
  const { context, page, cdp } = await newPage(first);
  const cold = await transfer(cdp, async () => { await page.goto(first); await hydrated(page); });
  const warm = await transfer(cdp, async () => { await page.goto(repeat); await hydrated(page); });
  await context.close();
  // Time to hydrated, throttled, from an empty cache each time.
  const times = [];
  const usable = [];
  for (let i = 0; i < 5; i++) {
    const { context, page, cdp } = await newPage(first);
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8,
    });
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    const started = Date.now();
    await page.goto(first, { waitUntil: "domcontentloaded" });
    usable.push(Date.now() - started);
    await hydrated(page);
    times.push(Date.now() - started);
    await context.close();
  }
  console.log(
    `${name}: wasm+JS ${cold.code} B over the wire on a first visit, ${warm.code} B on a repeat visit ` +
    `(HTML ${cold.html} B); throttled: hydrated in ${median(times)} ms, form usable at ${median(usable)} ms ` +
    `(DOMContentLoaded)`,
  );
}
await browser.close();
