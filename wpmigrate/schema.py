"""The JSON form of the model (schema version 1), both ways.

``docs/schema.json`` documents it. Meta is an object from key to value; a key
whose rows are several, or whose one value is itself an array, maps to an
array of rows. So an array always means "rows", and the form reads back to the
same model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

from wpmigrate import __version__
from wpmigrate.model import Author, Comment, Commenter, Content, Meta, Post, Site, Term, TermRef, Thread

SCHEMA_VERSION = 1


def envelope() -> dict[str, Any]:
    return {"version": __version__, "schema": SCHEMA_VERSION}


# ---------------------------------------------------------------- model -> dict


def meta_to_dict(rows: tuple[Meta, ...]) -> dict[str, Any]:
    grouped: dict[str, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.key, []).append(row.value)
    return {
        key: values if len(values) > 1 or isinstance(values[0], list) else values[0]
        for key, values in grouped.items()
    }


def _flat(cls) -> Callable[[Any], dict[str, Any]]:
    """A to-dict function for a dataclass of plain fields, in field order; a ``*_raw`` field
    (the exported value of a decoded name) only where it is set."""
    names = tuple(f.name for f in fields(cls) if not f.name.endswith("_raw"))
    raws = tuple(f.name for f in fields(cls) if f.name.endswith("_raw"))

    def to_dict(obj: Any) -> dict[str, Any]:
        data = {name: getattr(obj, name) for name in names}
        if raws:
            data.update(_raws(obj, raws))
        return data

    return to_dict


def _raws(obj: Any, names: tuple[str, ...]) -> dict[str, str]:
    """The ``*_raw`` fields of ``obj`` that are set."""
    return {name: value for name in names if (value := getattr(obj, name)) is not None}


site_to_dict = _flat(Site)
commenter_to_dict = _flat(Commenter)
thread_to_dict = _flat(Thread)
_author_fields = _flat(Author)


def author_to_dict(author: Author) -> dict[str, Any]:
    # ``id`` first, as for every other object of the document.
    data = _author_fields(author)
    return {"id": data.pop("id"), **data}


def term_to_dict(term: Term) -> dict[str, Any]:
    return {
        "id": term.id,
        "taxonomy": term.taxonomy,
        "slug": term.slug,
        "name": term.name,
        "parent": term.parent,
        "description": term.description,
        "meta": meta_to_dict(term.meta),
        **_raws(term, ("name_raw", "description_raw")),
    }


def comment_to_dict(comment: Comment) -> dict[str, Any]:
    data = {
        "id": comment.id,
        "parent": comment.parent,
        "status": comment.status,
        "type": comment.type,
        "date": comment.date,
        "date_local": comment.date_local,
        "content": comment.content,
    }
    if comment.content_html is not None:
        data["content_html"] = comment.content_html
    data["author"] = commenter_to_dict(comment.author)
    data["meta"] = meta_to_dict(comment.meta)
    data["thread"] = thread_to_dict(comment.thread) if comment.thread is not None else None
    return data


def content_to_dict(content: Content) -> dict[str, Any]:
    data: dict[str, Any] = {"raw": content.raw}
    if content.html is not None:
        data["html"] = content.html
        data["teaser"] = content.teaser
        data["diagnostics"] = content.diagnostics or {}
    return data


def post_to_dict(post: Post) -> dict[str, Any]:
    return {
        "id": post.id,
        "type": post.type,
        "status": post.status,
        "title": post.title,
        **_raws(post, ("title_raw",)),
        "slug": post.slug,
        "link": post.link,
        "path": post.path,
        "guid": post.guid,
        "date": post.date,
        "date_local": post.date_local,
        "modified": post.modified,
        "modified_local": post.modified_local,
        "author": post.author,
        "parent": post.parent,
        "menu_order": post.menu_order,
        "password": post.password,
        "sticky": post.sticky,
        "comment_status": post.comment_status,
        "ping_status": post.ping_status,
        "excerpt": post.excerpt,
        "content": content_to_dict(post.content),
        "terms": [{"taxonomy": t.taxonomy, "slug": t.slug, "name": t.name} for t in post.terms],
        "meta": meta_to_dict(post.meta),
        "featured_image": post.featured_image,
        "attachment_url": post.attachment_url,
        "comments": [comment_to_dict(c) for c in post.comments],
    }


# ---------------------------------------------------------------- dict -> model


def meta_from_dict(data: dict[str, Any]) -> tuple[Meta, ...]:
    rows: list[Meta] = []
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        rows.extend(Meta(key, v) for v in values)
    return tuple(rows)


def site_from_dict(data: dict[str, Any]) -> Site:
    return Site(**data)


def author_from_dict(data: dict[str, Any]) -> Author:
    return Author(**data)


def term_from_dict(data: dict[str, Any]) -> Term:
    return Term(**{**data, "meta": meta_from_dict(data.get("meta", {}))})


def comment_from_dict(data: dict[str, Any]) -> Comment:
    return Comment(
        **{
            **data,
            "author": Commenter(**data["author"]),
            "meta": meta_from_dict(data.get("meta", {})),
            "thread": Thread(**data["thread"]) if data.get("thread") else None,
        }
    )


def post_from_dict(data: dict[str, Any]) -> Post:
    content = data["content"]
    return Post(
        **{
            **data,
            "content": Content(
                raw=content["raw"],
                html=content.get("html"),
                teaser=content.get("teaser"),
                diagnostics=content.get("diagnostics"),
            ),
            "terms": tuple(TermRef(**t) for t in data.get("terms", ())),
            "meta": meta_from_dict(data.get("meta", {})),
            "comments": tuple(comment_from_dict(c) for c in data.get("comments", ())),
        }
    )
