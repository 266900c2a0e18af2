// Starter configuration from wpmigrate (--with-layouts); yours to change.
// The site's title, description and URL are in _data/site.json; comments in _data/comments/.

/** The thread of the page at inputPath: _data/comments/<its path without "./", "_" and ".md">.json. */
function commentThread(comments, inputPath) {
  if (Array.isArray(comments)) return comments; // --comments front-matter: the page's own list
  const key = inputPath.replace(/^\.\//, "").replace(/\.md$/, "").replace(/^_+/, "");
  let node = comments;
  for (const part of key.split("/")) {
    node = node && Object.hasOwn(node, part) ? node[part] : undefined;
  }
  return (node && node.comments) || [];
}

/** "YYYY-MM-DD" of a date (a Date from front matter, or an ISO 8601 text from a data file). */
function isoDay(value) {
  return typeof value === "string" ? value.slice(0, 10) : new Date(value).toISOString().slice(0, 10);
}

/** A readable day and time, as written in the data file (the site's local time). */
function readableTime(value) {
  return typeof value === "string" ? value.slice(0, 16).replace("T", " ") : isoDay(value);
}

module.exports = function (eleventyConfig) {
  eleventyConfig.addFilter("commentThread", commentThread);
  eleventyConfig.addFilter("isoDay", isoDay);
  eleventyConfig.addFilter("readableTime", readableTime);
  eleventyConfig.addCollection("postsNewestFirst", (api) => api.getFilteredByGlob("./posts/**/*.md").reverse());
  eleventyConfig.addGlobalData("layout", "post.njk");
  eleventyConfig.addPassthroughCopy("site.css");
  eleventyConfig.ignores.add("redirects/**");
  return {
    dir: { input: ".", includes: "_includes", data: "_data", output: "_site" },
    // Posts are shown as written: template tags quoted in their text stay text.
    markdownTemplateEngine: false,
    htmlTemplateEngine: "njk",
    templateFormats: ["md", "njk"],
  };
};
