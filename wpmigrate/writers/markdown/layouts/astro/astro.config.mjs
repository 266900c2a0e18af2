// Starter configuration from wpmigrate (--with-layouts); yours to change.
// The site's title, description and URL are in src/data/site.json; comments in src/data/comments/.
import { defineConfig } from "astro/config";

export default defineConfig({
  trailingSlash: "always",
});
