// Prints how long a consent page takes to become interactive (islands hydrated) in headless
// Chromium, median of 5 cold loads. Used by `make bench`.
import { chromium } from "@playwright/test";

const url = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const times = [];
const dcl = [];
for (let i = 0; i < 5; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(url, { waitUntil: "domcontentloaded" });
  dcl.push(Date.now() - started);
  await page.waitForSelector("body[data-hydrated=true]", { timeout: 15000 });
  times.push(Date.now() - started);
  await context.close();
}
await browser.close();
const median = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`${median(times)} ms to hydrated (form usable from first paint: ${median(dcl)} ms to DOMContentLoaded)`);
