"""The blog read from its rendered pages: a saved page, a mirror folder, a WARC file.

For blogs whose export is lost: the pages WordPress rendered are read into the
same model as the WXR reader's, so every writer works unchanged.
documents.py finds the HTML documents of an input, page.py tells what each page
is, site.py makes one site of them, item.py and comments.py read each post, and
chrome.py holds the rules for what on a page is not the author's.
"""

from wpmigrate.readers.pages.site import PageReader, is_page_input, read_pages

__all__ = ["PageReader", "is_page_input", "read_pages"]
