import { expect, Locator } from "@playwright/test";

/** The card's and dialog's background in the light scheme the tests run in. */
const SURFACE = "rgb(255, 255, 255)";

/**
 * A choice's two ways are equally prominent (C-23, P-07, D-13): the same size, the same type,
 * and both filled, so neither is the faint one a user overlooks. Read from the rendered page,
 * so it holds with or without JavaScript.
 */
export async function expectEqualProminence(one: Locator, other: Locator) {
  // Measured once the page's stylesheets are in: a heading can be read while they still load.
  await one.page().waitForLoadState("load");
  const [a, b] = [await one.boundingBox(), await other.boundingBox()];
  expect(a && b, "both buttons are shown").toBeTruthy();
  expect(Math.abs(a!.width - b!.width), "the same width").toBeLessThanOrEqual(1);
  expect(Math.abs(a!.height - b!.height), "the same height").toBeLessThanOrEqual(1);
  for (const button of [one, other]) {
    await expect(button).toHaveCSS("font-weight", "600");
    await expect(button).toHaveCSS("border-top-width", "2px");
    await expect(button, "filled, not the card's own colour").not.toHaveCSS("background-color", SURFACE);
    await expect(button, "filled, not transparent").not.toHaveCSS("background-color", "rgba(0, 0, 0, 0)");
  }
}
