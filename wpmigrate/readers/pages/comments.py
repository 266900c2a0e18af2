"""Comment threads from a page's comment list, as themes render them.

Classic themes print ``wp_list_comments()`` (class-walker-comment.php): nested
``<li class="comment ... depth-N" id="comment-N">`` (``li-comment-N`` with an
inner ``div#comment-N`` in Twenty Ten's and other callbacks), replies in
``<ol class="children">``; Twenty Twenty lists them in ``div`` elements
(``style => div``). Block themes print the same nesting inside
``ol.wp-block-comment-template``, and the Disqus plugin its synced comments as
``li#dsq-comment-N``. A reply's parent is the comment whose element holds it.
Who wrote it comes from the ``fn`` name and link and the avatar; the same rules
as for exports then say how they logged in (:mod:`wpmigrate.identity`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

from lxml import etree

from wpmigrate.identity import classify
from wpmigrate.model import Comment, Commenter, Meta
from wpmigrate.readers.pages import dates, markup
from wpmigrate.readers.pages.chrome import strip_chrome
from wpmigrate.readers.pages.documents import PageDoc, web_address

_LISTS = (
    "ol.commentlist, ul.commentlist, ol.comment-list, ul.comment-list, ol.wp-block-comment-template, "
    "ul.wp-block-comment-template, ul#dsq-comments, #comments ol, #comments ul"
)
#: ``comment-N`` (core), ``li-comment-N`` (Twenty Ten and heirs), ``div-comment-N``, and the
#: Disqus plugin's ``dsq-comment-N`` (its comments.php prints WordPress's comment id).
_ID = re.compile(r"^(?:li-|div-|dsq-)?comment-(\d+)$")
_COMMENT_CLASSES = {"comment", "pingback", "trackback", "webmention"}
_SECTIONS = "#comments, .comments-area, .wp-block-comments, #disqus_thread"
_AUTHOR = ".dsq-comment-header cite, .comment-author .fn, cite.fn, b.fn, .fn, .wp-block-comment-author-name, .comment-author, .comment-author-name"
_CONTENT = (".comment-content, .comment-text, .wp-block-comment-content, .comment-entry, .comment-body-text, "
            ".dsq-comment-message")
#: What is not the comment's text, in a comment without a content element of its own.
_NOT_TEXT = (
    ".comment-author, .comment-meta, .commentmetadata, .comment-metadata, .reply, .comment-reply-link, "
    "img.avatar, .avatar, .children, .comment-likes, .wp-block-comment-author-name, .wp-block-comment-date, "
    ".wp-block-comment-reply-link, .wp-block-comment-edit-link, .wp-block-avatar, .comment-awaiting-moderation"
)
_DATE_TEXT = ".comment-meta a, .commentmetadata a, .comment-metadata a, .comment-date, .wp-block-comment-date"
#: WordPress.com and Jetpack proxy avatars through their image CDN: ``i0.wp.com/HOST/PATH``.
_PHOTON = re.compile(r"^https?://i\d\.wp\.com/(.+)$")


@dataclass(frozen=True)
class CommentContext:
    """What the page tells about all its comments."""

    #: The site's UTC offset, from a timestamp elsewhere on the page; None if unknown.
    offset: timedelta | None
    #: A WordPress.com blog: a registered commenter (``byuser``) has a WordPress.com account.
    wordpress_com: bool
    #: User ids by login (``comment-author-LOGIN``), for comments by the site's own users.
    user_ids: dict[str, int] = field(default_factory=dict)


def read_comments(root: etree._Element, doc: PageDoc, context: CommentContext) -> list[Comment]:
    """The page's comments in the order shown, each with its parent; a comment the markup
    gives no id (Twenty Ten's pingbacks) has id 0."""
    scope = _scope(root)
    if scope is None:
        return []
    return [_comment(node, doc, context) for node in scope.iter("li", "div", "article") if _is_comment(node)]


def numbering(root: etree._Element) -> tuple[int, int]:
    """The highest comment id on the page, and how many comments it shows without one."""
    scope = _scope(root)
    nodes = [n for n in scope.iter("li", "div", "article") if _is_comment(n)] if scope is not None else []
    numbers = [_comment_id(n) for n in nodes]
    return max((n for n in numbers if n is not None), default=0), sum(n is None for n in numbers)


def _scope(root: etree._Element) -> etree._Element | None:
    """The comment list, else the comments section (for themes that list comments in divs)."""
    container = markup.first(root, _LISTS)
    if container is not None:
        return _outermost_list(container)
    return markup.first(root, _SECTIONS)


def _outermost_list(container: etree._Element) -> etree._Element:
    """The list a nested match sits in (``#comments ol`` may first find a ``children`` list)."""
    outer = container
    for ancestor in container.iterancestors("ol", "ul"):
        if set(markup.classes(ancestor)) & {"commentlist", "comment-list", "wp-block-comment-template"}:
            outer = ancestor
    return outer


def _is_comment(node: etree._Element) -> bool:
    """A comment's own element: ``li`` (or ``div`` with ``style => div``) classed ``comment``,
    ``pingback`` or ``trackback``, that holds a comment id."""
    if not _classed_comment(node):
        return False
    number = _comment_id(node)
    if number is None:  # only where a comment may be: at the top of the list, or among replies
        holder = node.getparent()
        return _outer_comment(node) is None or (holder is not None and "children" in markup.classes(holder))
    return not _inner_part(node, number)


def _inner_part(node: etree._Element, number: int) -> bool:
    """Whether ``node`` is the body of the comment around it (Twenty Twelve's
    ``li#li-comment-5.comment > article#comment-5.comment``)."""
    outer = _outer_comment(node)
    return outer is not None and _comment_id(outer) == number


def _outer_comment(node: etree._Element) -> etree._Element | None:
    return next((a for a in node.iterancestors() if _classed_comment(a)), None)


def _classed_comment(node: etree._Element) -> bool:
    return node.tag in ("li", "div", "article") and bool(set(markup.classes(node)) & _COMMENT_CLASSES)


def _comment_id(node: etree._Element) -> int | None:
    for element in (node, *_first_level(node)):
        found = _ID.match(element.get("id") or "")
        if found:
            return int(found.group(1))
    return None


def _first_level(node: etree._Element) -> Iterator[etree._Element]:
    """Elements inside ``node`` up to the first reply nested in it."""
    for element in node.iterdescendants():
        if _classed_comment(element):
            return
        yield element


def _comment(node: etree._Element, doc: PageDoc, context: CommentContext) -> Comment:
    own = _own_copy(node)
    markup.absolute_links(own, doc.address)
    classes = markup.classes(node)
    kind = next((c for c in ("pingback", "trackback", "webmention") if c in classes), "comment")
    name, url = _author(own, kind)
    user_id = context.user_ids.get(_login(classes) or "") if "byuser" in classes else None
    hints = _identity_hints(own, kind, classes, context)
    identity = classify(email="", url=url, user_id=user_id, comment_type=kind, meta=hints)
    date = _date(own, context.offset)
    return Comment(
        id=_comment_id(node) or 0,
        parent=_parent_id(node),
        type=kind,
        date=date.utc if date else None,
        date_local=date.local if date else None,
        content=_content(own, kind),
        author=Commenter(name=name, url=url, user_id=user_id, provider=identity.provider,
                         provider_id=identity.provider_id, avatar=identity.avatar),
        meta=hints,
    )


def _identity_hints(own: etree._Element, kind: str, classes: list[str], context: CommentContext) -> tuple[Meta, ...]:
    """What the markup shows of how the commenter logged in, as the comment meta WordPress.com
    and the Disqus plugin keep it in: the avatar shown (``hc_avatar``), a WordPress.com login for
    a registered user of a WordPress.com blog (``hc_post_as``), a comment from Disqus
    (``dsq_post_id``). The classification then reads them as it reads
    an export's, and a WXR file written from the result keeps them."""
    hints = []
    if (own.get("id") or "").startswith("dsq-comment-"):
        # the Disqus plugin's fallback list: a comment synced from Disqus, which the plugin marks
        # with dsq_post_id (Disqus's own id, which the page does not show)
        hints.append(Meta("dsq_post_id", ""))
    if kind == "comment" and "byuser" in classes and context.wordpress_com:
        hints.append(Meta("hc_post_as", "wordpress"))
    avatar = _avatar(own) if kind == "comment" else None  # a linkback's avatar is a placeholder
    if avatar:
        hints.append(Meta("hc_avatar", avatar))
    return tuple(hints)


def _author(own: etree._Element, kind: str) -> tuple[str, str]:
    """The commenter's name and URL (the link on or around the ``fn`` name); for a pingback
    or trackback shown as a bare link (``Pingback: <a>Title</a>``), the linking page's."""
    element = markup.first(own, _AUTHOR)
    if element is None and kind != "comment":
        element = next((a for a in own.iter("a") if _is_address(a.get("href")) and not _is_action(a)), None)
    if element is None:
        return "", ""
    named = element if "fn" in markup.classes(element) or element.tag == "a" else markup.first(element, ".fn")
    named = named if named is not None else element
    name = re.sub(r"\s*(?:says|wrote|said)\s*:?\s*$", "", markup.text(named))
    link = next(named.iter("a"), None) if named.tag != "a" else named
    if link is None:
        link = next((a for a in named.iterancestors("a")), None)
    href = (link.get("href") or "").strip() if link is not None else ""
    return name, href if _is_address(href) else ""


def _is_address(href: str | None) -> bool:
    return web_address((href or "").strip()) is not None


def _is_action(link: etree._Element) -> bool:
    return any(set(markup.classes(e)) & {"edit-link", "comment-edit-link", "reply", "comment-reply-link"}
               for e in (link, *link.iterancestors()))


def _own_copy(node: etree._Element) -> etree._Element:
    """A copy of the comment's element without the replies nested in it."""
    own = copy.deepcopy(node)
    for nested in [e for e in own.iterdescendants() if _is_comment(e)]:
        holder = nested.getparent()
        if holder is None or nested.getparent() is None:
            continue
        if "children" in markup.classes(holder) and holder.getparent() is not None:
            holder.drop_tree()
        else:
            nested.drop_tree()
    return own


def _parent_id(node: etree._Element) -> int | None:
    for ancestor in node.iterancestors():
        if _is_comment(ancestor):
            return _comment_id(ancestor)
    return None


def _avatar(own: etree._Element) -> str | None:
    image = markup.first(own, "img.avatar, .avatar img, .wp-block-avatar img, .comment-author img")
    if image is None:
        return None
    source = image.get("data-src") or image.get("data-lazy-src") or image.get("src") or ""
    source = source.strip()
    source = "https:" + source if source.startswith("//") else source
    proxied = _PHOTON.match(source)
    return web_address("https://" + proxied.group(1) if proxied else source)


def _login(classes: list[str]) -> str | None:
    for name in classes:
        if name.startswith("comment-author-"):
            return name.removeprefix("comment-author-")
    return None


def _date(own: etree._Element, offset: timedelta | None) -> dates.PageDate | None:
    stamp = markup.attribute(own, "time[datetime]", "datetime")
    found = dates.from_timestamp(stamp)
    if found is not None:
        return dates.with_offset(found, offset) if found.utc is None else found
    for element in markup.select(own, _DATE_TEXT):
        found = dates.from_text(markup.text(element), offset)
        if found is not None:
            return found
    return None


def _content(own: etree._Element, kind: str) -> str:
    body = markup.first(own, _CONTENT)
    if body is None:
        if kind != "comment":
            return ""  # WordPress shows a pingback or trackback as its link alone
        found = markup.first(own, "article.comment-body, div.comment-body")
        body = copy.deepcopy(found if found is not None else own)
        for element in markup.select(body, _NOT_TEXT):
            markup.drop(element)
        for heading in list(body.iter("cite", "footer", "header")):
            markup.drop(heading)
    html, _ = strip_chrome(markup.inner_html(body))
    return html.strip()


def comment_post_id(root: etree._Element) -> int | None:
    """The post id a page's comment form or reply links name."""
    value = markup.attribute(root, 'input[name="comment_post_ID"]', "value")
    if value and value.isdigit():
        return int(value)
    for link in markup.select(root, "a.comment-reply-link"):
        try:
            query = parse_qs(urlsplit(unquote(link.get("href") or "")).query)
        except ValueError:
            continue
        found = (query.get("p") or [""])[0]
        if found.isdigit():
            return int(found)
        data = link.get("data-postid") or ""
        if data.isdigit():
            return int(data)
    return None
