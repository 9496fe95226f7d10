// `make bench`: what a page costs a browser, measured in headless Chromium over the DevTools
// protocol. For each page: the bytes of wasm and JavaScript that cross the wire on a first
// visit (an empty cache; headers included, compressed as Assent serves them) and on a repeat
// visit (the same browser, the page of another flow), and the time until its islands are
// hydrated on a throttled connection (1.6 Mbps down, 750 kbps up, 150 ms round trip, 4x CPU
// slowdown: Lighthouse's mobile profile), median of 5 cold loads, read on the page's clock.
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

// In the page before its own scripts: notes the moment the island marks the page hydrated.
function markHydrated() {
  new MutationObserver((_, observer) => {
    if (document.body?.getAttribute("data-hydrated") === "true") {
      window.__hydratedAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-hydrated"] });
}

const hydrated = (page) => page.waitForSelector("body[data-hydrated=true]", { timeout: 30000 });
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

for (const { name, first, repeat } of pages) {
  // Bytes, unthrottled: a first visit, then a repeat visit in the same browser.
  const { context, page, cdp } = await newPage(first);
  const cold = await transfer(cdp, async () => { await page.goto(first); await hydrated(page); });
  const warm = await transfer(cdp, async () => { await page.goto(repeat); await hydrated(page); });
  await context.close();
  // Throttled, from an empty cache each time: when the page had its HTML, was usable
  // (DOMContentLoaded), had all its code, and was hydrated. Each read on the page's own clock
  // (0 is the navigation's start): Playwright's waiting polls at intervals of up to 500 ms,
  // too coarse to time the hydration by.
  const times = { html: [], usable: [], code: [], hydrated: [] };
  for (let i = 0; i < 5; i++) {
    const { context, page, cdp } = await newPage(first);
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8,
    });
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    await page.addInitScript(markHydrated);
    await page.goto(first, { waitUntil: "domcontentloaded" });
    await hydrated(page);
    const at = await page.evaluate(() => {
      const navigation = performance.getEntriesByType("navigation")[0];
      const code = performance.getEntriesByType("resource").filter((e) => /\.(wasm|js)$/.test(new URL(e.name).pathname));
      return {
        html: navigation.responseEnd,
        usable: navigation.domContentLoadedEventEnd,
        code: Math.max(0, ...code.map((e) => e.responseEnd)),
        hydrated: window.__hydratedAt,
      };
    });
    if (typeof at.hydrated !== "number") throw new Error(`${name}: hydrated, but the moment was not noted`);
    for (const key of Object.keys(times)) times[key].push(Math.round(at[key]));
    await context.close();
  }
  const m = Object.fromEntries(Object.entries(times).map(([key, values]) => [key, median(values)]));
  console.log(
    `${name}: wasm+JS ${cold.code} B over the wire on a first visit, ${warm.code} B on a repeat visit ` +
    `(HTML ${cold.html} B); throttled: hydrated at ${m.hydrated} ms, form usable at ${m.usable} ms ` +
    `(DOMContentLoaded; HTML in at ${m.html} ms, all code at ${m.code} ms)`,
  );
}
await browser.close();
