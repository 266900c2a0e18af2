"""Shortcodes: WordPress's grammar, and static HTML for the tags worth converting.

The grammar follows ``wp-includes/shortcodes.php`` (``get_shortcode_regex``,
``shortcode_parse_atts``, ``do_shortcode``) but is implemented as a small scanner
rather than one regex, so that unterminated tags, ``[`` soup and multi-megabyte
bodies stay linear:

* ``[tag attrs]``, ``[tag attrs /]`` and ``[tag attrs]content[/tag]``; the content
  runs to the *first* ``[/tag]``, so a tag cannot nest in itself; an opener with no
  closer is self-closing.
* ``[[tag]]`` is an escape and renders as ``[tag]``.
* Brackets inside HTML tags and comments are not shortcodes of the main pass
  (WordPress hides them the same way), nor are those inside Jetpack's inline
  ``$latex ...$`` (it runs first there). Shortcodes inside a tag's attribute values
  are rendered first, each attribute on its own (``do_shortcodes_in_html_tags``); the
  handler's HTML is reduced to its text there (WordPress runs KSES on it).

Handlers emit plain semantic HTML (``figure``, ``pre > code``, ``audio``, an
``iframe`` only for well-known video/map hosts, otherwise a link), with every
attribute value escaped.
"""

from __future__ import annotations

from wpmigrate.clean.shortcodes import code, forms, media  # noqa: F401 - registers the handlers
from wpmigrate.clean.shortcodes.grammar import ShortcodeMatch, find_shortcodes, parse_attributes
from wpmigrate.clean.shortcodes.code import CODE_TAGS
from wpmigrate.clean.shortcodes.render import (
    _HANDLERS,
    ShortcodeContext,
    attachments_by_parent,
    render_first,
    render_shortcodes,
)
from wpmigrate.model import Attachment

#: Every tag the handlers convert.
KNOWN_TAGS: frozenset[str] = frozenset(_HANDLERS)

__all__ = [
    "CODE_TAGS",
    "KNOWN_TAGS",
    "Attachment",
    "ShortcodeContext",
    "attachments_by_parent",
    "ShortcodeMatch",
    "find_shortcodes",
    "parse_attributes",
    "render_first",
    "render_shortcodes",
]
