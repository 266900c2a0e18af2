"""Handlers for code and math: ``[code]``/``[sourcecode]`` and the language tags
(SyntaxHighlighter), ``[latex]``.
"""

from __future__ import annotations

import html
import re

from wpmigrate.clean.shortcodes.grammar import ShortcodeMatch
from wpmigrate.clean.shortcodes.markup import _esc, _literal, _math
from wpmigrate.clean.shortcodes.render import _HANDLERS, _first, _handles, _Renderer

_LANGUAGES = {
    "as3": "actionscript", "actionscript3": "actionscript", "bash": "bash", "shell": "bash",
    "cf": "coldfusion", "coldfusion": "coldfusion", "clj": "clojure", "clojure": "clojure",
    "c": "c", "cpp": "cpp", "c-sharp": "csharp", "csharp": "csharp", "css": "css",
    "delphi": "pascal", "pas": "pascal", "pascal": "pascal", "diff": "diff", "patch": "diff",
    "erl": "erlang", "erlang": "erlang", "fsharp": "fsharp", "go": "go", "golang": "go",
    "groovy": "groovy", "haskell": "haskell", "java": "java", "javafx": "javafx", "jfx": "javafx",
    "js": "javascript", "jscript": "javascript", "javascript": "javascript", "matlab": "matlab",
    "objc": "objectivec", "obj-c": "objectivec", "perl": "perl", "pl": "perl", "php": "php",
    "plain": "", "text": "", "powershell": "powershell", "ps": "powershell", "py": "python",
    "python": "python", "r": "r", "splus": "r", "rails": "ruby", "ror": "ruby", "rb": "ruby",
    "ruby": "ruby", "scala": "scala", "sql": "sql", "swift": "swift", "tex": "latex",
    "vb": "vbnet", "vbnet": "vbnet", "xml": "xml", "xhtml": "xml", "xslt": "xslt", "html": "html",
    "yaml": "yaml", "yml": "yaml",
}  # fmt: skip
_ENCODED_HINT_RE = re.compile(r"&(?:lt|gt|amp|quot|#0*3[89]|#0*6[02]|#x0*(?:26|3c|3e));", re.I)
_EDITOR_BREAK_RE = re.compile(r"<br\s*/?>\n?|</p>\s*<p>", re.I)


def _code_body(content: str, encoded: bool | None) -> str:
    """The code as text, escaped once.

    A body the visual editor saved is entity-encoded, with ``<br />`` and ``</p><p>``
    for line breaks: it is decoded first. Without ``ctx.code_encoded`` the body counts
    as encoded when it has entities and no markup other than those breaks.
    """
    if encoded is None:
        encoded = bool(_ENCODED_HINT_RE.search(content)) and "<" not in _EDITOR_BREAK_RE.sub("", content)
    if encoded:
        content = _EDITOR_BREAK_RE.sub(lambda b: "\n\n" if b.group().startswith("</") else "\n", content)
        content = html.unescape(content)
    content = re.sub(r"\A(?:[ \t]*\r?\n)+", "", content).rstrip()
    return _literal(content)


#: The SyntaxHighlighter tags: rendered before ``wpautop`` (``render_first``), as the plugin does.
CODE_TAGS: frozenset[str] = frozenset(("code", "sourcecode", "source", *(t for t in _LANGUAGES if t != "tex")))


@_handles(*sorted(CODE_TAGS), enclosing_only=True)
def _code(r: _Renderer, m: ShortcodeMatch, a: dict) -> str:
    """``<pre><code class="language-X">``, after a ``title=`` paragraph; a code tag with no
    closing tag is left as text."""
    lang = _first(a, "language", "lang", 0).strip().lower() if m.tag in ("code", "sourcecode", "source") else m.tag
    lang = _LANGUAGES.get(lang, re.sub(r"[^a-z0-9+#_-]", "", lang))
    cls = f' class="language-{_esc(lang)}"' if lang else ""
    title = " ".join(_first(a, "title").split())
    heading = f'<p class="code-title">{_literal(title)}</p>\n' if title else ""
    return f"{heading}<pre><code{cls}>{_code_body(m.content or '', r.ctx.code_encoded)}</code></pre>"


@_handles("latex", enclosing_only=True)
def _latex(r: _Renderer, m: ShortcodeMatch, a: dict) -> str:
    return _math(m.content or "")


#: Every tag the handlers convert.
KNOWN_TAGS: frozenset[str] = frozenset(_HANDLERS)
