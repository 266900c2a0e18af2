"""Every post and approved comment of an export through WordPress and through the cleaner,
compared stage by stage (tests.oracle.compare), tallied per stage.

Stages of a post: ``wpautop`` and ``shortcode_unautop`` (classic content), ``do_blocks`` (block
content), ``do_shortcode``, and ``the_content`` (the whole chain, comparable: see
tests.oracle.compare.DELIBERATE). Of a comment: ``make_clickable``, ``wpautop`` and
``comment_text``. A stage WordPress could not render (it asked for a database) counts as
``error``, never as agreement.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from tests.oracle import cleaner, wordpress
from tests.oracle.compare import SKIPPED_FILTERS, agree, listed
from wpmigrate.clean.pipeline import _code_encoded
from wpmigrate.clean.sanitize import sanitize
from wpmigrate.clean.shortcodes import CODE_TAGS, KNOWN_TAGS, ShortcodeContext, attachments_by_parent
from wpmigrate.clean.textformats import HTML, detect_format
from wpmigrate.model import Attachment, Comment, Content, Post
from wpmigrate.readers.wxr import read

#: Post types whose content is not shown as a post (menus, attachments' captions, CSS, forms).
NOT_CONTENT = frozenset({"attachment", "nav_menu_item", "custom_css", "wp_global_styles", "revision", "feedback"})
#: Stages in report order, and the outcomes a comparison can have.
STAGES = ("wpautop", "shortcode_unautop", "do_blocks", "do_shortcode", "the_content",
          "comment:make_clickable", "comment:wpautop", "comment_text")
OUTCOMES = ("identical", "equivalent", "deliberate", "listed", "differ", "error")


@dataclass
class Disagreement:
    """One stage of one item where the outputs differ."""

    item: str
    stage: str
    ours: str
    theirs: str


@dataclass
class Tally:
    """Outcomes per stage, and the disagreements themselves."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    disagreements: list[Disagreement] = field(default_factory=list)
    #: What WordPress could not render, any stage (core chains included), by "stage: message".
    errors: Counter[str] = field(default_factory=Counter)
    #: Listed differences found, by name.
    listed: Counter[str] = field(default_factory=Counter)

    def add(self, stage: str, outcome: str) -> None:
        self.counts.setdefault(stage, Counter())[outcome] += 1

    def agreeing(self, stage: str) -> tuple[int, int]:
        """(items that agree, deliberate and listed differences included; items compared)."""
        c = self.counts.get(stage, Counter())
        return c["identical"] + c["equivalent"] + c["deliberate"] + c["listed"], sum(c.values())

    def merge(self, other: Tally) -> None:
        for stage, counts in other.counts.items():
            self.counts.setdefault(stage, Counter()).update(counts)
        self.disagreements += other.disagreements
        self.errors.update(other.errors)
        self.listed.update(other.listed)


@dataclass(frozen=True)
class _Job:
    item: wordpress.Item
    ours: dict[str, str]
    #: The stage whose difference is deliberate as a whole (a post in another text format).
    deliberate: frozenset[str] = frozenset()


def compare_export(path: Path) -> Tally:
    """Read ``path`` (recover mode), render its content both ways, tally the comparisons."""
    export = read([str(path)], recover=True)
    posts = [p for p in export.posts if p.type not in NOT_CONTENT]
    return compare_posts(posts, export.attachments, export.site.base_blog_url)


def compare_posts(posts: Iterable[Post], attachments: Mapping[int, Attachment], home: str = "") -> Tally:
    """Posts and their approved comments through both renderers, tallied."""
    by_parent = attachments_by_parent(attachments)
    with cleaner.comparable():
        jobs = [job for post in posts for job in _jobs(post, attachments, by_parent)]
    jobs = [replace(job, item=replace(job.item, id=f"#{n} {job.item.id}")) for n, job in enumerate(jobs)]  # ids repeat
    theirs = wordpress.render((job.item for job in jobs), settings(attachments, home))
    tally = Tally()
    for job in jobs:
        _tally_job(tally, job, theirs[job.item.id])
    return tally


def settings(attachments: Mapping[int, Attachment] | None = None, home: str = "",
             skip: Iterable[str] = SKIPPED_FILTERS) -> dict[str, object]:
    """The harness's settings for comparing with the cleaner: markers for the shortcodes it
    converts, its code shortcodes first, the deliberate differences' filters skipped."""
    return {
        "home": home or "http://example.org",
        "attachments": [{"id": key, "url": a.url, "parent": a.parent, "title": a.title,
                         "caption": a.caption, "alt": a.alt} for key, a in (attachments or {}).items()],
        "markers": sorted(KNOWN_TAGS), "first": sorted(CODE_TAGS), "skip": list(skip),
    }


def compare_text(session: wordpress.Session, text: str) -> Tally:
    """``text`` as a post's content and as an approved comment, through both (one session item each)."""
    post = Post(id=1, content=Content(raw=text), comments=(Comment(id=1, content=text),))
    with cleaner.comparable():
        jobs = list(_jobs(post, {}, None))
    tally = Tally()
    for job in jobs:
        _tally_job(tally, job, session.render(job.item))
    return tally


def _jobs(post: Post, attachments: Mapping[int, Attachment], by_parent) -> Iterable[_Job]:
    """The post's content and its approved comments, each with the cleaner's output by stage."""
    raw = post.content.raw
    if raw.strip():
        context = ShortcodeContext(post_id=post.id, attachments=attachments, by_parent=by_parent,
                                   unknown="raw", code_encoded=_code_encoded(post))
        text_format, _ = detect_format(raw, post.meta)
        yield _Job(wordpress.Item(f"post {post.id}", "post", raw, post.id),
                   cleaner.post_stages(raw, context, text_format),
                   frozenset() if text_format == HTML else frozenset({"the_content"}))
    for comment in post.comments:
        if comment.status == "approved" and comment.content.strip():
            stages = cleaner.comment_stages(comment)
            yield _Job(wordpress.Item(f"comment {comment.id} on {post.id}", "comment", comment.content, post.id),
                       {_comment_stage(k): v for k, v in stages.items()})


def _comment_stage(name: str) -> str:
    return name if name == "comment_text" else f"comment:{name}"


def _their_stage(stage: str) -> str:
    name = stage.removeprefix("comment:")
    return f"{name}_comparable" if name in ("the_content", "comment_text", "do_blocks") else name


def _tally_job(tally: Tally, job: _Job, rendered: wordpress.Rendered) -> None:
    for stage, message in rendered.errors.items():  # compared or not: each is WordPress failing
        tally.errors[f"{stage}: {message[:160]}"] += 1
    for stage, ours in job.ours.items():
        key = _their_stage(stage)
        if key in rendered.errors:
            tally.add(stage, "error")
            continue
        if stage in job.deliberate:
            tally.add(stage, "deliberate")
            continue
        theirs = rendered.stages[key]
        if stage in ("the_content", "comment_text"):
            theirs = sanitize(theirs)
        outcome = agree(ours, theirs)
        if outcome is None and (name := listed(stage, job.item.text, ours, theirs)):
            tally.listed[name] += 1
            outcome = "listed"
        tally.add(stage, outcome or "differ")
        if outcome is None:
            tally.disagreements.append(Disagreement(job.item.id, stage, ours, theirs))
