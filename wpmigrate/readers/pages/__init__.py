"""The blog read from its rendered pages: a saved page, a mirror folder, a WARC file.

For blogs whose export is lost: the pages WordPress rendered are read into the
same model as the WXR reader's, so every writer works unchanged.
documents.py finds the HTML documents of an input, page.py tells what each page
is, site.py makes one site of them, item.py and comments.py read each post, and
chrome.py holds the rules for what on a page is not the author's.

Imported by every conversion, so it imports nothing until pages are met: warcio alone
(with fsspec, when installed) takes longer to import than converting a small export.
"""

from __future__ import annotations

import typing

if typing.TYPE_CHECKING:
    from wpmigrate.diagnostics import Diagnostics
    from wpmigrate.readers.pages.site import PageReader

__all__ = ["is_page_input", "read_pages"]


def is_page_input(name: str) -> bool:
    """Whether ``name`` is a saved page, a mirror folder or a WARC file (told by its content)."""
    from wpmigrate.readers.pages.documents import input_kind

    return name != "-" and input_kind(name) is not None


def read_pages(inputs: list[str], diagnostics: Diagnostics | None = None, **options) -> PageReader:
    """Open the site the pages of ``inputs`` show (:mod:`wpmigrate.readers.pages.site`)."""
    from wpmigrate.readers.pages.site import read_pages as read

    return read(inputs, diagnostics, **options)
