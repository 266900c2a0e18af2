"""The Markdown writer's option vocabularies, in a module light enough for the CLI to import."""

from __future__ import annotations

#: ``--front-matter``: the block's language.
FRONT_MATTER_FORMATS = ("yaml", "toml")
#: ``--comments``: a data file per post, a list in the post's front matter, or none.
COMMENT_MODES = ("data", "front-matter", "none")
