"""Every code ``wpmigrate validate`` can report: its rule, severity and meaning.

This table is the single source of truth: the sink gives each finding the
severity listed here (the reader's own severities are for ``convert``), the
SARIF output lists it as the tool's rules, and ``docs/validate.md`` shows it
(a test checks the two agree).
"""

from __future__ import annotations

from dataclasses import dataclass

from wpmigrate.errors import UsageError

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Code:
    """One finding code."""

    code: str
    rule: str
    severity: str
    summary: str


_TABLE = [
    # rule "xml": is the file well-formed XML, and what had to be repaired
    ("xml-malformed", "xml", "error", "The XML is not well-formed (mismatched tags, CDATA nested in CDATA ...)."),
    ("xml-truncated", "xml", "error", "The file ends inside an item or before `</rss>`: a cut-off download or export."),
    ("xml-unsafe-dtd", "xml", "error", "The file declares XML entities in a DOCTYPE, which WordPress never writes."),
    ("item-lost", "xml", "error", "An item inside damaged XML that cannot be read at all."),
    ("item-too-large", "xml", "error", "An item (or header) larger than `--max-item-size`; the check of the export stops there."),
    ("item-damaged", "xml", "warning", "An item inside damaged XML that reads only leniently; it may be incomplete."),
    ("salvage-summary", "xml", "info", "How many items of a damaged file can be salvaged with `convert --recover`."),
    ("xml-control-char", "xml", "warning", "Characters XML forbids (control characters); removed on reading."),
    ("xml-raw-ampersand", "xml", "warning", "A raw `&` that starts no entity (an unescaped URL); escaped on reading."),
    ("xml-html-entity", "xml", "warning", "An HTML entity XML does not define (`&nbsp;`); replaced on reading."),
    ("xml-char-invalid", "xml", "warning", "A reference to a character XML forbids (a UTF-16 surrogate half such as `&#55357;`, `&#0;`); read as U+FFFD."),
    ("xml-undeclared-prefix", "xml", "warning", "A namespace prefix used but never declared (`atom:`); declared on reading."),
    ("xml-namespace-uri", "xml", "warning", "Non-ASCII characters in a namespace URI; percent-encoded on reading."),
    # rule "wxr": is it a complete WordPress export
    ("not-wxr", "wxr", "error", "Not a WordPress export: empty, binary, HTML, an RSS or Atom feed, other XML."),
    ("wxr-version-missing", "wxr", "warning", "No `wp:wxr_version`; read as WXR 1.2."),
    ("wxr-version-unknown", "wxr", "warning", "A `wp:wxr_version` other than 1.x; read as WXR 1.2."),
    ("channel-field-missing", "wxr", "warning", "A channel field importers need (`title`, `link`, `wp:base_site_url`, `wp:base_blog_url`) is missing or empty."),
    ("split-part-missing", "wxr", "error", "A part of a split export (`site.001.xml` between `.000` and `.002`) was not given."),
    ("item-no-type", "wxr", "warning", "An item without `wp:post_type`; read as a post."),
    # rule "ids": identifiers are present and unique
    ("item-no-id", "ids", "warning", "An item without a valid `wp:post_id`."),
    ("number-invalid", "ids", "warning", "An id, parent id or `wp:menu_order` that is not a whole number; left empty."),
    ("post-id-duplicate", "ids", "error", "Two items share a `wp:post_id`; an importer keeps only one."),
    ("comment-id-duplicate", "ids", "error", "Two comments share a `wp:comment_id`; an importer keeps only one."),
    ("term-id-duplicate", "ids", "error", "Two terms (categories, tags, terms) of one file share a `wp:term_id`."),
    ("author-login-duplicate", "ids", "warning", "Two different authors share a login; only the first is kept."),
    ("term-slug-duplicate", "ids", "warning", "Two different terms of one taxonomy share a slug; only the first is kept."),
    # rule "references": what one record names exists
    ("post-parent-missing", "references", "warning", "`wp:post_parent` names no item of the export."),
    ("comment-parent-missing", "references", "warning", "`wp:comment_parent` names no comment of the same post."),
    ("comment-shown-at-top", "references", "info", "An approved reply whose parent is missing, not approved or on a loop of parents: WordPress shows it at the top level."),
    ("term-parent-missing", "references", "warning", "A term's parent slug names no term of the same taxonomy."),
    ("post-author-unknown", "references", "warning", "A post's `dc:creator` is not among the export's authors."),
    ("attachment-url-missing", "references", "error", "An attachment without `wp:attachment_url`: its file cannot be fetched."),
    ("featured-image-missing", "references", "warning", "`_thumbnail_id` names no attachment of the export."),
    # rule "dates"
    ("date-invalid", "dates", "error", "A date that is not a valid date (`2021-02-30`, `yesterday`)."),
    ("date-impossible", "dates", "warning", "A valid date that cannot be right: local and GMT more than 14 hours apart, or later than the export."),
    # rule "meta"
    ("meta-serialized-broken", "meta", "error", "PHP-serialized meta whose string lengths are broken (a search-and-replace on a database dump)."),
    # rule "links"
    ("link-scheme-mixed", "links", "warning", "Links to the site itself with the other scheme (`http://` on an `https://` site)."),
    ("link-foreign-domain", "links", "warning", "Permalinks, attachments or upload links on a domain other than the site's (an old domain?)."),
    # rule "inventory": what is in use, for planning a migration
    ("inventory-post-types", "inventory", "info", "Item counts by post type."),
    ("inventory-statuses", "inventory", "info", "Item counts by status."),
    ("inventory-shortcodes", "inventory", "info", "Shortcodes used in content, by number of items."),
    ("inventory-blocks", "inventory", "info", "Block types used in content, by number of items."),
    ("inventory-meta-prefixes", "inventory", "info", "Plugin meta key prefixes, by number of meta rows."),
]

CODES: dict[str, Code] = {row[0]: Code(*row) for row in _TABLE}
RULES: tuple[str, ...] = tuple(dict.fromkeys(code.rule for code in CODES.values()))

#: Reader diagnostics the validator reports in its own way (with a position) or not at all.
REPLACED = frozenset({"author-synthesized", "wxr-version-missing", "wxr-version-unknown"})
#: The rule of diagnostics the table does not know (added to the reader later).
OTHER_RULE = "reader"


def rule_of(code: str) -> str:
    known = CODES.get(code)
    return known.rule if known else OTHER_RULE


def parse_rules(text: str | None) -> frozenset[str]:
    """``"xml,ids"`` to the set of rule names; None or empty: every rule."""
    names = _split(text)
    if not names:
        return frozenset(RULES) | {OTHER_RULE}
    unknown = [n for n in names if n not in RULES]
    if unknown:
        raise UsageError(f"unknown rule {unknown[0]!r}; the rules are: {', '.join(RULES)}")
    return frozenset(names)


def parse_ignore(text: str | None) -> frozenset[str]:
    """``"link-scheme-mixed,inventory-blocks"`` to a set of codes; unknown codes are an error."""
    codes = _split(text)
    unknown = [c for c in codes if c not in CODES]
    if unknown:
        raise UsageError(
            f"unknown code {unknown[0]!r} in --ignore; the codes are listed in docs/validate.md"
        )
    return frozenset(codes)


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]
