"""Form shortcodes: Jetpack's ``[contact-form]`` (with its ``[contact-field]`` s), Contact Form 7,
WPForms, Gravity Forms, Ninja Forms, Formidable.

A static site cannot send a form, and left as text the shortcode shows its settings on the
page, the owner's ``to=`` address among them. It is removed and counted
``form:removed:TAG``, so that the run's report names the pages that had one.
"""

from __future__ import annotations

from wpmigrate.clean.shortcodes.grammar import ShortcodeMatch
from wpmigrate.clean.shortcodes.render import _handles, _Renderer

FORM_TAGS = ("contact-form", "contact-form-7", "wpforms", "gravityform", "ninja_form", "formidable")


@_handles(*FORM_TAGS)
def _form(r: _Renderer, m: ShortcodeMatch, a: dict) -> str:
    r.counts[f"form:removed:{m.tag}"] += 1
    return ""
