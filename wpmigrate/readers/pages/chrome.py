"""The page chrome around a post's content and comments, as data.

A rendered page carries what the export never held: navigation, the post's
byline and term links, reply and edit links, cookie banners, and the
WordPress.com and Jetpack widgets the noise rules already know (comment forms,
likes, sharing, related posts, subscribe boxes, ads, the unexpanded string
templates). The rows below use the noise rules' format
(:mod:`wpmigrate.clean.noise_rules`) and engine; on a page they always apply,
with the noise rules, because none of it is the author's text.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from wpmigrate.clean.noise import NoiseRule, load_rules, strip_noise
from wpmigrate.clean.noise_fast import strip_noise_fast
from wpmigrate.clean.noise_filter import noise_filter

RULES: list[dict] = [
    {
        "name": "chrome:navigation",
        "description": "Links between posts, pages of comments, pages of a post, breadcrumbs "
        "(core the_post_navigation / the_comments_navigation, Twenty Ten #nav-above, block themes).",
        "selector": [
            "nav",
            ".navigation",
            ".post-navigation",
            ".comment-navigation",
            ".nav-links",
            "#nav-above",
            "#nav-below",
            "#comment-nav-above",
            "#comment-nav-below",
            ".nav-previous",
            ".nav-next",
            ".wp-block-post-navigation-link",
            ".wp-block-comments-pagination",
            ".wp-block-query-pagination",
            ".breadcrumbs",
            ".breadcrumb",
        ],
    },
    {
        "name": "chrome:post-meta",
        "description": "The byline, date, term and edit links themes print around the content "
        "(entry-meta / entry-footer / entry-utility of the default themes, postmetadata of older ones).",
        "selector": [
            ".entry-meta",
            ".entry-footer",
            ".entry-utility",
            ".postmetadata",
            ".post-meta",
            ".byline",
            ".posted-on",
            ".cat-links",
            ".tags-links",
            ".post-edit-link",
            ".edit-link",
            ".author-info",
            "#author-info",
            ".author-bio",
        ],
    },
    {
        "name": "chrome:comment-actions",
        "description": "Reply, edit and moderation notes in a comment (core Walker_Comment, block themes).",
        "selector": [
            ".reply",
            ".comment-reply-link",
            ".comment-edit-link",
            ".comment-awaiting-moderation",
            ".wp-block-comment-reply-link",
            ".wp-block-comment-edit-link",
            "span.says",
        ],
    },
    {
        "name": "chrome:cookie-banner",
        "description": "Cookie and consent banners: Jetpack's EU cookie law widget, the common consent plugins.",
        "selector": [
            "#eu-cookie-law",
            ".widget_eu_cookie_law_widget",
            "#cookie-law-info-bar",
            "#cookie-notice",
            ".cookie-notice",
            "#cookie-banner",
            ".cmplz-cookiebanner",
            "#moove_gdpr_cookie_info_bar",
            ".cky-consent-container",
        ],
        "text": [r"(?i:(?:Privacy & Cookies: )?This (?:web)?site uses cookies\b.{0,300})"],
    },
    {
        "name": "chrome:templates",
        "description": "Strings WordPress.com leaves unexpanded when its scripts did not run.",
        "text": [
            r"Connecting to %s",
            r"%d bloggers? likes? this:?",
            r"%1\$s at %2\$s",
            r"Comment by %s",
        ],
    },
]


@lru_cache(maxsize=1)
def page_rules() -> tuple[NoiseRule, ...]:
    """The noise rules, then the chrome rows."""
    return load_rules() + tuple(NoiseRule.from_dict(row) for row in RULES)


def strip_chrome(html: str) -> tuple[str, Counter[str]]:
    """``html`` without page chrome, and what was removed, by rule name: the noise pass's own
    route (its sound pre-check, its lxml pass, else its BeautifulSoup one)."""
    rules = page_rules()
    if not noise_filter(rules).may_match(html):
        return html, Counter()
    return strip_noise_fast(html, rules) or strip_noise(html, rules)
