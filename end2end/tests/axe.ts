import { expect, Page, Browser } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

export type Check = (page: Page, what: string) => Promise<void>;

/**
 * Zero axe violations, reported by rule and element when there are some. axe runs as a script,
 * so in the JavaScript-off project the page is loaded again, with the same cookies and colour
 * scheme, in a context where only axe runs: Assent's own scripts and wasm are blocked, which
 * leaves exactly the DOM a browser without JavaScript shows.
 */
export function axeCheck(browser: Browser, javaScriptEnabled: boolean): Check {
  return async (page, what) => {
    let target = page;
    let context = null;
    if (!javaScriptEnabled) {
      context = await browser.newContext({ javaScriptEnabled: true, storageState: await page.context().storageState() });
      await context.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
      target = await context.newPage();
      await target.emulateMedia({ colorScheme: currentScheme.get(page) ?? "light" });
      await target.goto(page.url());
    }
    const results = await new AxeBuilder({ page: target }).withTags(WCAG).analyze();
    await context?.close();
    // axe ran its rules (a check that cannot fail would pass on an empty result too).
    expect(results.passes.length, `${what}: axe rules that passed`).toBeGreaterThan(10);
    const found = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    expect(found, `${what}: axe violations`).toEqual([]);
  };
}

/** The colour scheme each page emulates (Playwright cannot read it back). */
const currentScheme = new WeakMap<Page, "light" | "dark">();
export async function scheme(page: Page, colorScheme: "light" | "dark") {
  currentScheme.set(page, colorScheme);
  await page.emulateMedia({ colorScheme });
}

