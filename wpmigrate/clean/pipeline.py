"""The content-cleaning pipeline: WordPress's stored content to clean HTML.

The steps follow WordPress's ``the_content`` filters, in one place:

1. ``<!--more-->`` splits off the teaser (``get_the_content`` does this first);
2. ``<!--nextpage-->`` becomes a page-break marker;
3. code shortcodes become ``<pre>`` blocks, before autop touches their lines (SyntaxHighlighter);
   Flash ``<object>``/``<embed>`` players become today's player of the same video, or a link;
4. a known provider's URL alone on its line becomes its embed (``autoembed``): a static
   player, or the HTML WordPress cached for it, or a link;
5. block content loses its delimiters; classic content gets ``wpautop`` paragraphs
   (never both: WordPress skips autop for block content); the footnotes block first
   gets the list WordPress renders from the post's meta; a post written in Textile or
   Markdown is rendered from it instead (``textformats``);
6. ``shortcode_unautop`` then the shortcode handlers (in attribute values too);
7. widget noise is removed (one HTML parse, only where a rule may match);
8. the result is sanitised.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from wpmigrate.clean.autoembed import autoembed
from wpmigrate.clean.autop import shortcode_unautop, wpautop
from wpmigrate.clean.blocks import has_blocks, strip_blocks
from wpmigrate.clean.clickable import make_clickable
from wpmigrate.clean.footnotes import render_footnotes
from wpmigrate.clean.legacy_embeds import replace_players
from wpmigrate.clean.noise import (
    DEFAULT_RULES,
    NoiseRule,
    fragment_html,
    load_rules,
    parse_fragment,
    strip_noise_soup,
)
from wpmigrate.clean.noise_fast import strip_noise_fast
from wpmigrate.clean.noise_filter import noise_filter
from wpmigrate.clean.sanitize import flatten_deep, sanitize
from wpmigrate.clean.shortcodes import (
    CODE_TAGS,
    KNOWN_TAGS,
    ShortcodeContext,
    attachments_by_parent,
    render_first,
    render_shortcodes,
)
from wpmigrate.clean.shortcodes.oembed import cache_of
from wpmigrate.clean.teaser import mark_pages, split_more
from wpmigrate.clean.textformats import HTML, MARKDOWN, detect_format, format_diagnostics, markdown_body, to_html
from wpmigrate.model import Attachment, Comment, Content, Post


@dataclass(frozen=True)
class CleanOptions:
    #: Noise rules to apply; empty keeps the noise (``--keep-noise``).
    noise_rules: tuple[NoiseRule, ...] = DEFAULT_RULES
    #: What to do with shortcodes no handler converts: keep, drop or raw.
    unknown_shortcodes: str = "keep"


def clean_html(raw: str, context: ShortcodeContext, options: CleanOptions, counts: Counter[str],
               text_format: str = HTML) -> str:
    """One piece of stored content (written in ``text_format``) to clean HTML, counting what was done."""
    # Elements nested past MAX_DEPTH keep only their text, before wpautop, whose token lists
    # cost about 30 bytes per byte of such markup: say so.
    flat = flatten_deep(raw)
    if flat is not raw:
        counts["html:too-deep"] += 1
        raw = flat
    raw, code_counts = render_first(raw, CODE_TAGS, context)
    counts.update(code_counts)
    raw = replace_players(raw, counts)
    html = shortcode_unautop(_rendered(raw, text_format, context, counts), KNOWN_TAGS)
    html, shortcode_counts = render_shortcodes(html, context)
    counts.update(shortcode_counts)
    if options.noise_rules and noise_filter(options.noise_rules).may_match(html):
        html = _strip_noise(html, options.noise_rules, counts)
    return sanitize(html)


def _rendered(raw: str, text_format: str, context: ShortcodeContext, counts: Counter[str]) -> str:
    """The stored content as HTML: by its text format's renderer, which replaces wpautop (URLs
    alone in its paragraphs embed), or as WordPress renders HTML: autoembed, blocks or wpautop."""
    if text_format != HTML:
        rendered = to_html(raw, text_format)
        if rendered is not None:
            return autoembed(rendered, counts, context.oembed_cache)
        counts[f"format:{text_format}-failed"] += 1  # the renderer failed: shown as HTML, and said so
    raw = autoembed(raw, counts, context.oembed_cache)
    if has_blocks(raw):
        html, _, block_counts = strip_blocks(raw)
        counts.update(block_counts)
        return html
    return wpautop(raw)


def _strip_noise(html: str, rules: tuple[NoiseRule, ...], counts: Counter[str]) -> str:
    """The noise pass on one parse. Nesting deeper than the sanitiser keeps is flattened
    first (bs4 is quadratic there); if bs4 still gives up, the noise is kept and counted
    as ``noise:skipped`` rather than the post lost."""
    fast = strip_noise_fast(html, rules)
    if fast is not None:
        if fast[1]:
            counts.update(fast[1])
        return fast[0]
    try:
        soup = parse_fragment(html)
        noise_counts = strip_noise_soup(soup, rules)
        if noise_counts:
            html = fragment_html(soup)
            counts.update(noise_counts)
    except RecursionError:
        counts["noise:skipped"] += 1
    return html


def clean_post(
    post: Post,
    attachments: Mapping[int, Attachment],
    options: CleanOptions,
    by_parent: Mapping[int, list[int]] | None = None,
) -> Post:
    """``post`` with ``content.html``, ``teaser``, ``diagnostics`` and comments' ``content_html``.

    ``by_parent`` is ``attachments_by_parent(attachments)``, when the caller cleans many posts.
    """
    context = ShortcodeContext(post_id=post.id, attachments=attachments, by_parent=by_parent,
                               unknown=options.unknown_shortcodes, code_encoded=_code_encoded(post),
                               oembed_cache=cache_of(post.meta))
    counts: Counter[str] = Counter()
    text_format, how = detect_format(post.content.raw, post.meta)
    source = markdown_body(post.content.raw) if text_format == MARKDOWN else None
    counts.update(format_diagnostics(text_format, how, source is not None))
    teaser_raw, full_raw, _ = split_more(render_footnotes(post.content.raw, post, counts))
    html = clean_html(mark_pages(full_raw), context, options, counts, text_format)
    teaser = (clean_html(mark_pages(teaser_raw), context, options, Counter(), text_format)
              if teaser_raw is not None else None)
    content = Content(raw=post.content.raw, html=html, teaser=teaser, diagnostics=dict(sorted(counts.items())),
                      markdown=source)
    return replace(post, content=content, comments=tuple(_clean_comment(c) for c in post.comments))


def _clean_comment(comment: Comment) -> Comment:
    """WordPress's ``comment_text`` filters: ``make_clickable`` then wpautop; sanitised."""
    return replace(comment, content_html=sanitize(wpautop(make_clickable(comment.content))))


def _code_encoded(post: Post) -> bool | None:
    for meta in post.meta:
        if meta.key == "_syntaxhighlighter_encoded":
            return str(meta.value).strip() == "1"
    return None


def clean_transform(attachments: Mapping[int, Attachment], options: CleanOptions) -> Callable[[Post], Post]:
    """The post transform ``convert`` runs."""
    # Built here, once: before worker processes fork, so they share it too.
    by_parent = attachments_by_parent(attachments)

    def transform(post: Post) -> Post:
        return clean_post(post, attachments, options, by_parent)

    return transform


def noise_rules(keep_noise: bool, extra: str | None = None, disabled: Iterable[str] = ()) -> tuple[NoiseRule, ...]:
    """The noise rules for ``--keep-noise``, an extra rules file and disabled names."""
    if keep_noise:
        return ()
    return load_rules(extra, disabled) if extra or disabled else DEFAULT_RULES
