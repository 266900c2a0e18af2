// The comment data files wpmigrate writes: src/data/comments/<content path>.json.
const files = import.meta.glob<{ comments: Comment[] }>("./data/comments/**/*.json", { eager: true, import: "default" });

export interface Comment {
  id: number;
  author: string | null;
  url: string | null;
  date: string | null;
  content: string;
  replies?: Comment[];
}

/** The thread of an entry: its front matter's list (--comments front-matter), else its data file. */
export function commentThread(entry: { filePath?: string; data: Record<string, unknown> }): Comment[] {
  if (Array.isArray(entry.data.comments)) return entry.data.comments as Comment[];
  const key = (entry.filePath ?? "").replace(/^src\/content\//, "").replace(/\.md$/, "");
  return files[`./data/comments/${key}.json`]?.comments ?? [];
}
