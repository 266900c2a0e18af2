"""The cleaner's side of each stage the harness renders, with the deliberate differences
(tests.oracle.compare.DELIBERATE) turned off the same way on both sides.

For the comparable chains, the shortcodes the cleaner converts become markers (a span holding
the tag, its attributes and its raw content as JSON, as harness.php writes them), autoembed,
Flash players and inline ``$latex$`` are left alone, noise removal is off and unknown
shortcodes stay as WordPress leaves them (``raw``).
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from unittest import mock

from wpmigrate.clean import pipeline
from wpmigrate.clean.autop import shortcode_unautop, wpautop
from wpmigrate.clean.blocks import has_blocks, strip_blocks
from wpmigrate.clean.clickable import make_clickable
from wpmigrate.clean.pipeline import CleanOptions, _clean_comment, clean_html
from wpmigrate.clean.shortcodes import KNOWN_TAGS, ShortcodeContext, render_shortcodes
from wpmigrate.clean.shortcodes import render as shortcode_render
from wpmigrate.model import Comment

#: The cleaner with noise removal off and unknown shortcodes left as WordPress leaves them.
OPTIONS = CleanOptions(noise_rules=(), unknown_shortcodes="raw")


def marker(tag: str, atts: list[tuple[str, str]], content: str | None) -> str:
    """The span a shortcode becomes on both sides (harness.php's ``wpmigrate_marker``). A
    self-closing shortcode's content is ``""``, as WordPress passes it."""
    data = json.dumps({"tag": tag, "atts": [list(pair) for pair in atts], "content": content or ""},
                      ensure_ascii=False, separators=(",", ":"))
    return f'<span class="wpm-shortcode" title="{html.escape(data)}"></span>'


def _marker_handler(_renderer, m, attrs: dict) -> str:
    return marker(m.tag, [(str(k), v) for k, v in attrs.items()], m.content)


@contextmanager
def comparable() -> Iterator[None]:
    """The cleaner with the deliberate differences off: shortcode markers, no autoembed, no
    Flash player replacement, no inline LaTeX."""
    with ExitStack() as stack:
        stack.enter_context(mock.patch.dict(shortcode_render._HANDLERS, dict.fromkeys(KNOWN_TAGS, _marker_handler)))
        stack.enter_context(mock.patch.object(pipeline, "autoembed", lambda text, counts, cache=(): text))
        stack.enter_context(mock.patch.object(pipeline, "replace_players", lambda text, counts: text))
        stack.enter_context(mock.patch.object(shortcode_render._Renderer, "_inline_latex", lambda self, text: text))
        yield


def post_stages(raw: str, context: ShortcodeContext, text_format: str) -> dict[str, str]:
    """The cleaner's output for each post stage (call inside :func:`comparable`)."""
    autop = wpautop(raw)
    stages = {
        "wpautop": autop,
        "shortcode_unautop": shortcode_unautop(autop, KNOWN_TAGS),
        "do_shortcode": render_shortcodes(raw, context)[0],
        "the_content": clean_html(raw, context, OPTIONS, Counter(), text_format),
    }
    if has_blocks(raw):
        stages["do_blocks"] = strip_blocks(raw)[0]
    return stages


def comment_stages(comment: Comment) -> dict[str, str]:
    """The cleaner's output for each comment stage; ``comment_text`` is what the pipeline writes."""
    return {
        "make_clickable": make_clickable(comment.content),
        "wpautop": wpautop(comment.content),
        "comment_text": _clean_comment(replace(comment, content_html=None)).content_html,
    }
