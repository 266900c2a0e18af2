// Starter configuration from wpmigrate (--with-layouts); yours to change.
// The site's title, description and URL are in src/data/site.json; comments in src/data/comments/.
import { readdir, rename, rmdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "astro/config";

/** Astro builds a page whose address ends in ".html" (a WordPress permalink such as
 * /archives/12.html) as <name>.html/index.html: this moves it to <name>.html, its old address. */
async function htmlAddresses(folder) {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const full = path.join(folder, entry.name);
    const inside = entry.name.endsWith(".html") ? await readdir(full) : [];
    if (inside.length === 1 && inside[0] === "index.html") {
      await rename(path.join(full, "index.html"), `${full}.wpmigrate-part`);
      await rmdir(full);
      await rename(`${full}.wpmigrate-part`, full);
    } else {
      await htmlAddresses(full);
    }
  }
}

export default defineConfig({
  trailingSlash: "always",
  integrations: [
    { name: "wpmigrate-html-addresses", hooks: { "astro:build:done": ({ dir }) => htmlAddresses(fileURLToPath(dir)) } },
  ],
});
