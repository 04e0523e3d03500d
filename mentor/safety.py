"""One sanitiser for everything shown to users: answers, quotes, LLM text, streams, exports.

Text from documents and LLMs is untrusted. It reaches the app, the terminal and
exported Markdown as text: no image is ever loaded, no link is live, raw HTML
shows as text. A link keeps its words and names its host in plain text ("the
Acme portal (evil.example)"); an image becomes its description and host.

markdown-it-py (CommonMark, as Streamlit's and rich's renderers read it) finds
the images, links, reference definitions, autolinks and HTML, so nested and
reference-style forms cannot slip past a regular expression. The tokens are
then written back as Markdown with every character of text escaped, keeping
only the structure an answer needs (paragraphs, headings, lists, quotes,
emphasis, code). No maintained library writes sanitised Markdown back out
(mdformat's renderer keeps links live), hence this small renderer.

Streamlit also links bare URLs, ``www.`` addresses and e-mail addresses found in
text (GFM autolink literals, applied after escapes are resolved), so those are
replaced here: a URL by its host without ``www.``, an address by a code span.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import urlsplit

# Bare URLs, www. addresses and e-mail addresses, as GFM would link them.
_BARE_URL = re.compile(r"(?i)(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>\"'`]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# The marks that open something in CommonMark, GFM or Streamlit ($ maths, :colour[...]) wherever they stand;
# list and heading marks matter only at the start of a block (see _block_start).
_ACTIVE = re.compile(r"([\\`*_\[\]<>#|~$&])")
_TRAILING = ".,;:!?)]}'\""


@cache
def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["strikethrough", "table"])


def host_of(url: str) -> str:
    """The site a URL points at, as plain words: 'evil.example', or the scheme when there is no host."""
    url = url.strip()
    if url.lower().startswith("www."):
        url = "http://" + url
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        host = ""
    host = (re.match(r"[a-z0-9.-]*", host.lower()) or re.match("", "")).group(0)  # up to a stray character
    host = ".".join(label for label in host.split(".") if label and label != "www")  # "www." would be linked
    if host:
        return host
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    return f"a {scheme} link" if scheme and scheme.isalpha() else "a link"


def _escape(text: str) -> str:
    return _ACTIVE.sub(r"\\\1", text)


def _code(text: str) -> str:
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _join(pieces: list[str]) -> str:
    """Pieces side by side, a space where one ends and the next starts with a backtick: two code spans
    written together would merge their fences into one run and open or close neither."""
    out = ""
    for piece in pieces:
        out += " " + piece if out.endswith("`") and piece.startswith("`") else piece
    return out


def _text(text: str) -> str:
    """Plain text made inert: addresses named, not linked; everything else escaped."""
    out, last = [], 0
    for m in re.finditer(f"{_BARE_URL.pattern}|{_EMAIL.pattern}", text):
        found = m.group(0)
        tail = len(found) - len(found.rstrip(_TRAILING))
        found = found[:len(found) - tail] if tail else found
        out.append(_escape(text[last:m.start()]))
        out.append(_code(found) if "@" in found and not _BARE_URL.match(found) else _escape(host_of(found)))
        last = m.start() + len(found)
    out.append(_escape(text[last:]))
    return _join(out)


def _inline(children) -> str:
    out: list[str] = []
    link: list[tuple[str, bool, int]] = []  # (href, autolink, where its words start in out)
    for tok in children:
        kind = tok.type
        if kind == "text":
            out.append(_text(tok.content))
        elif kind in ("softbreak", "hardbreak"):
            out.append(" ")
        elif kind == "code_inline":
            out.append(_code(tok.content))
        elif kind in ("em_open", "em_close", "strong_open", "strong_close", "s_open", "s_close"):
            out.append(tok.markup)
        elif kind == "html_inline":
            out.append(_text(tok.content))
        elif kind == "image":
            alt = tok.content.strip() or "image"
            out.append(f"{_text(alt)} (image from {_escape(host_of(tok.attrs.get('src', '')))}, not shown)")
        elif kind == "link_open":
            link.append((str(tok.attrs.get("href", "")), tok.markup == "autolink", len(out)))
        elif kind == "link_close" and link:
            href, auto, start = link.pop()
            words = _join(out[start:]).strip()
            del out[start:]
            host = _escape(host_of(href))
            out.append(host if auto or not words else f"{words} ({host})")
    return _join(out)


def safe_markdown(text: str | None) -> str:
    """Markdown that renders the same words, with no image, live link or HTML left in it."""
    if not text:
        return ""
    writer = _Writer()
    for tok in _parser().parse(str(text)):
        writer.take(tok)
    return "".join(writer.blocks)


class _Writer:
    """Writes markdown-it's block tokens back out as Markdown, every block's text made inert."""

    def __init__(self):
        self.blocks: list[str] = []
        self.prefixes: list[str] = []  # "> " for quotes, spaces under list items
        self.pending = ""  # a list or heading marker waiting for its block's first line
        self.counters: list[int] = []  # 0 for a bullet list, else the next number
        self.tight = self.last_tight = False  # a tight list's items sit on consecutive lines

    def emit(self, body: str, tight: bool = False) -> None:
        separator = ("\n" if tight and self.last_tight else "\n\n") if self.blocks else ""
        self.blocks.append(separator + _line(self.prefixes, self.pending, body))
        self.pending, self.last_tight = "", tight

    def take(self, tok) -> None:
        kind = tok.type
        if kind == "blockquote_open":
            self.prefixes.append("> ")
        elif kind in ("blockquote_close", "list_item_close"):
            if self.pending:  # an empty item: its marker alone, so it cannot lend itself to the next block
                self.emit("")
            self.prefixes.pop()
        elif kind in ("bullet_list_open", "ordered_list_open"):
            self.counters.append(int(tok.attrs.get("start", 1) or 1) if kind == "ordered_list_open" else 0)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.counters.pop()
            self.last_tight = False  # the next block, even another tight list, starts after a blank line
        elif kind == "list_item_open":
            number = self.counters[-1]
            self.pending = f"{number}. " if number else "- "
            self.counters[-1] += 1 if number else 0
            self.prefixes.append(" " * len(self.pending))
        elif kind == "heading_open":
            self.pending += tok.markup + " " if tok.markup.startswith("#") else "### "
        elif kind == "paragraph_open":
            self.tight = tok.hidden
        elif kind == "inline":
            self.emit(_block_start(_inline(tok.children or [])), self.tight)
        elif kind in ("fence", "code_block"):
            self.emit(self._code_block(tok.content))
        elif kind == "html_block":
            self.emit(_text(" ".join(tok.content.split())))
        elif kind == "hr":
            self.emit("---")

    def _code_block(self, code: str) -> str:
        fence = "`" * max([3, *(len(run) + 1 for run in re.findall(r"`+", code))])  # the code cannot close it
        lines = [_line(self.prefixes, "", line) for line in code.rstrip("\n").splitlines()]
        return "\n".join([fence, *lines, _line(self.prefixes, "", fence)])


def _block_start(body: str) -> str:
    """Text that would open a list, quote or rule at the start of a block is escaped there."""
    body = re.sub(r"^(\d+)([.)])", r"\1\\\2", body)  # "2024. The" is no list
    return re.sub(r"^([-+=])", r"\\\1", body)


def _line(prefixes: list[str], pending: str, body: str) -> str:
    """A line under its quote and list prefixes; a new item's marker replaces its own indent."""
    if pending and prefixes and prefixes[-1].strip() == "":
        return "".join(prefixes[:-1]) + pending + body
    return "".join(prefixes) + pending + body
