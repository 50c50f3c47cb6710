// Debian's chromium for the browser tests, started headless with the flags this closed network
// needs (no background connections, no updates, no sync). CHROMIUM overrides the executable.
import { chromium } from "playwright-core";

export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", ...extraArgs],
  });
}
