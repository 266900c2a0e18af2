// Everything wpmigrate writes under src/content/ as one collection: posts (blog/), pages
// (pages/) and other post types (<type>/). An entry's id is its path without ".md", so that
// "blog/<slug>" and "<type>/<slug>" are also their URLs, and a page's is "/<slug>/".
// The schema checks only what the layouts use and lets every other front-matter key through.
import { defineCollection, z } from "astro:content";
import { glob } from "astro/loaders";

export const collections = {
  entries: defineCollection({
    loader: glob({
      pattern: "**/*.md",
      base: "./src/content",
      generateId: ({ entry }) => entry.replace(/\.md$/, ""),
    }),
    schema: z
      .object({
        title: z.string().default(""),
        pubDate: z.coerce.date().optional(),
        updatedDate: z.coerce.date().optional(),
        author: z.string().optional(),
        draft: z.boolean().optional(),
      })
      .passthrough(),
  }),
};
