"""Reading source files into Markdown text, and splitting them into cited chunks."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from langchain_core.documents import Document
from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from mentor.formats import (LEVEL_KEYS, Block, find_tables, flatten_nested_lists, front_matter_blocks, level_label_parts,
                            title_depth, under_title,
                            table_blocks, without_lines)
from mentor.formats import headings as markdown_headings
from mentor.formats import as_title, level_paragraphs_as_sections, promote_level_markers, setext_as_atx
from mentor.framework import Framework
from mentor.settings import PROJECT_ROOT

# Static-site template tags ({% include … %}, {{ page.title }}) are markup, not text anyone wrote to be read.
TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
# Raised whenever chunking changes what passages hold (text or metadata): every file is read again.
# A Markdown link or image reads as its words: the address is no advice and breaks sentences ("[text] (https://…)").
MARKDOWN_LINK = re.compile(r"!?\[([^\]\n]+)\](?:\([^)\s]+\)|\s\((?:[a-z]+:|/|#)[^)\s]*\))", re.IGNORECASE)
CHUNKING_VERSION = "15"
# A ladder kept as data (levels → competencies → criteria) is read like a page's structured front matter.
DATA_SUFFIXES = {".json", ".yaml", ".yml"}
# A spreadsheet export is one table: read as a pipe table, so its rows become passages like any other table's.
SHEET_SUFFIXES = {".csv", ".tsv"}
# reStructuredText (Sphinx handbooks) is rendered to HTML by docutils, then read like any page.
RST_SUFFIXES = {".rst", ".rest"}
# A Word document is rendered to HTML by mammoth (its headings, tables and lists kept), then read like any page.
WORD_SUFFIXES = {".docx"}
SUPPORTED_SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm", ".pdf", *RST_SUFFIXES, *DATA_SUFFIXES,
                      *SHEET_SUFFIXES, *WORD_SUFFIXES}
HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3"), ("####", "h4"), ("#####", "h5")]
SECTION_SEPARATOR = " › "
CHUNK_SIZE = 1000
CHUNK_OVERLAP = 150
# Text that addresses the model rather than the reader: a document is material, never instructions.
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget)\s+(all\s+|any\s+|the\s+|your\s+)*(previous\s+|prior\s+|above\s+|earlier\s+)?"
    r"(instructions|prompts?|rules|context|sources)\b|\byou\s+are\s+now\b|\bsystem\s+prompt\b|"
    r"\b(always|never)\s+(answer|respond|reply|say|tell|cite)\b"
    # Chat-role markers and closing tags: a document pretending the conversation has moved on.
    r"|^\W*(human|assistant|system|user)\s*:|</\s*(context|sources?|documents?|system)\s*>"
    # Asking the reader for credentials is never career advice.
    r"|\b(e-?mail|send|share|give|enter|post)\b[^.]{0,40}\b(password|passcode|credentials|login details|2fa code)\b"
    # The same orders in other languages (French, Spanish, German, Russian, Chinese).
    r"|\bignor\w*\s+(?:\w+\s+){0,3}(instructions?|instrucciones|anweisungen|indicaciones)\b"
    r"|\bvergiss\w*\s+(?:\w+\s+){0,3}anweisungen\b|игнорир\w*|忽略.{0,6}(指令|指示|说明)",
    re.IGNORECASE,
)
def looks_like_instruction(text: str) -> bool:
    """Text that addresses the model ("ignore previous instructions", "you are now …"), not the reader."""
    return _INSTRUCTION.search(text) is not None


_HTML_TABLE = re.compile(r"<table\b.*?</table\s*>", re.IGNORECASE | re.DOTALL)
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_TITLE_LINE = re.compile(r"^title:\s*(\S.*)$", re.MULTILINE)


class UnreadableFile(Exception):
    """A file that cannot be ingested; the message names it and says why."""


@dataclass
class SourceFile:
    path: Path
    source: str  # how citations name the file, e.g. corpus/pm-career-path.md
    key: str  # stable prefix of chunk ids, e.g. pm-career-path
    sha256: str
    text: str = field(repr=False)
    title: str | None = None
    front_matter: dict = field(default_factory=dict, repr=False)
    problems: list[str] = field(default_factory=list)  # malformed parts, ingested as plain text


def source_name(path: Path) -> str:
    """Citations name files relative to the project (or the working folder) when they can."""
    path = path.resolve()
    for base in (PROJECT_ROOT, Path.cwd().resolve()):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return path.as_posix()


def document_key(source: str) -> str:
    stem = re.sub(r"\.[^./]+$", "", source)
    return stem.removeprefix("corpus/")


def read_source(path: Path) -> SourceFile:
    """Load one file as Markdown-ish text; UnreadableFile when it is empty, binary or undecodable."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    if not data.strip():
        raise UnreadableFile(f"{path}: is empty.")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        text = _pdf_text(path, data)
    elif suffix in WORD_SUFFIXES:
        text = _html_to_markdown(_word_html(path, data))
    else:
        if b"\x00" in data[:8192]:
            raise UnreadableFile(f"{path}: looks binary, not text.")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UnreadableFile(f"{path}: is not valid UTF-8 text.") from None
        if suffix in (".html", ".htm"):
            text = _html_to_markdown(text)
        elif suffix in RST_SUFFIXES:
            text = _html_to_markdown(_rst_to_html(text))
        elif suffix in DATA_SUFFIXES:
            text = _data_as_front_matter(path, text)
        elif suffix in SHEET_SUFFIXES:
            text = _sheet_as_markdown(path, text)
        elif _HTML_TABLE.search(text):
            text = _HTML_TABLE.sub(lambda m: "\n" + _html_table_markdown(m.group(0)) + "\n", text)
        if suffix not in (".html", ".htm", *RST_SUFFIXES, *DATA_SUFFIXES, *SHEET_SUFFIXES):
            text = _RUN_IN_MARKDOWN.sub(_run_in_label, text)
        if suffix == ".txt":
            text = _outline_as_markdown(_pasted_sheets_as_tables(text))
    if not text.strip():
        raise UnreadableFile(f"{path}: has no text.")
    body, meta = split_front_matter(text)
    problems = []
    if body is text and (bad := _FRONT_MATTER.match(text)):
        problems.append("its front matter is not a valid YAML mapping, so it was ingested as text")
        # Fenced, so its "# comments" are not read as headings; its title line still names the document.
        body = f"```\n{bad.group(0).strip()}\n```\n\n{text[bad.end():]}"
        if title := _TITLE_LINE.search(bad.group(1)):
            meta = {"title": title.group(1).strip().strip("'\"")}
    body = MARKDOWN_LINK.sub(r"\1", TEMPLATE_TAG.sub("", body))
    front = _FRONT_MATTER.match(text)
    # Line numbers as in the file: the front matter's lines blanked, not removed.
    _, loose_rows = find_tables("\n" * text[:front.end()].count("\n") + text[front.end():] if front else text)
    if loose_rows:
        problems.append(f"a malformed table near line {loose_rows[0]} was ingested as text")
    source = source_name(path)
    return SourceFile(
        path=path,
        source=source,
        key=document_key(source),
        sha256=hashlib.sha256(data).hexdigest(),
        text=level_paragraphs_as_sections(promote_level_markers(setext_as_atx(body))),
        title=str(meta.get("title")) if meta.get("title") else None,
        front_matter=meta,
        problems=problems,
    )


def _data_as_front_matter(path: Path, text: str) -> str:
    """A JSON or YAML file as a page whose front matter is its data, titled by its own title field."""
    import json

    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise UnreadableFile(f"{path}: is not valid {path.suffix[1:].upper()} ({str(exc).splitlines()[0]}).") from None
    if isinstance(data, list):
        data = {"items": data}
    if not isinstance(data, dict) or not data:
        raise UnreadableFile(f"{path}: holds no structured content.")
    title = str(data.get("title") or data.get("name") or path.stem.replace("-", " ").title())
    return f"---\n{yaml.safe_dump(data, allow_unicode=True, sort_keys=False)}---\n\n# {title}\n"


def split_front_matter(text: str) -> tuple[str, dict]:
    """Body and front matter; malformed front matter stays in the body (the same object comes back)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return text, {}
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError:
        return text, {}
    if not isinstance(meta, dict):
        return text, {}
    return text[match.end():], meta


def _pdf_text(path: Path, data: bytes) -> str:
    from io import BytesIO

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(BytesIO(data))
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, OSError) as exc:
        raise UnreadableFile(f"{path}: is not a readable PDF ({exc}).") from None


def _word_html(path: Path, data: bytes) -> str:
    from io import BytesIO
    from zipfile import BadZipFile

    import mammoth

    try:
        # a document's Title style names it, as a page's first heading does
        return mammoth.convert_to_html(BytesIO(data), style_map="p[style-name='Title'] => h1:fresh").value
    except (BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFile(f"{path}: is not a readable Word document ({exc}).") from None


# get_text(" ") puts a space between inline tags: "<em>pods</em>." would read "pods ."
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:!?)](?=\s|$))")


def _text_of(el) -> str:
    """An element's words on one line, spaced as written."""
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(el.get_text(" ", strip=True).split()))


def _rst_to_html(rst: str) -> str:
    """reStructuredText as HTML: its section titles, list-tables, grid tables and field lists keep their
    structure. Nothing outside the text is read (no include or raw directives), and markup errors are
    left as text rather than reported into it."""
    from docutils.core import publish_string

    settings = {"report_level": 5, "halt_level": 5, "file_insertion_enabled": False, "raw_enabled": False,
                "_disable_config": True, "warning_stream": io.StringIO(), "output_encoding": "unicode"}
    return publish_string(rst, writer="html5", settings_overrides=settings)


def _html_to_markdown(html: str) -> str:
    """Headings become Markdown headings and tables pipe tables, so the chunker sees the structure."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    # A table of contents or site menu repeats headings as links: navigation, not text.
    for tag in soup(["script", "style", "noscript", "template", "nav"]):
        tag.decompose()
    lines = []
    depth = 1  # the last heading's, so a toggle's summary heads its own text one deeper
    for el in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "summary", "p", "li", "pre", "blockquote", "table",
                             "dl"]):
        if el.find_parent(["table", "dl"]) is not None:
            continue
        if el.name in ("p", "pre", "blockquote") and el.find_parent("li") is not None:
            continue  # read with its list item
        if el.name == "table":
            lines.append(_html_table(el))
            continue
        if el.name == "dl":
            lines.append(_definition_list(el, depth))
            continue
        if el.name == "li" and (item := _nested_item(el)) is not None:
            lines.append(item)
            continue
        text = _text_of(el)
        if not text:
            continue
        if el.name == "summary":  # a toggle ("<details><summary>P-10 · Associate PM</summary>…") heads its text
            lines.append("#" * min(depth + 1, 5) + " " + text)
        elif el.name.startswith("h"):
            depth = int(el.name[1])
            lines.append("#" * min(depth, 5) + " " + text)
        else:
            lines.append(_run_in_field(el, text) or text)
    return "\n\n".join(x for x in lines if x) if lines else soup.get_text("\n", strip=True)


def _nested_item(li) -> str | None:
    """An item of a nested list ("What you do" over its points) as a Markdown list item indented to its depth,
    its own words only, so each point keeps its group's name and no text is read twice. None for an item of a
    flat list."""
    depth = len(li.find_parents("li"))
    if not depth and li.find(["ul", "ol"]) is None:
        return None
    own = " ".join(x.get_text(" ", strip=True) if getattr(x, "name", None) else str(x)
                   for x in li.children if getattr(x, "name", None) not in ("ul", "ol"))
    own = " ".join(own.split())
    return "  " * depth + "- " + own if own else ""


# "3.1 Level 2 - Associate PM", "a. Scope: one squad": a numbered or lettered point of a plain-text outline
_OUTLINE_ITEM = re.compile(r"^([ \t]*)(?:(\d{1,2}(?:\.\d{1,2})*)\.?|([a-z])[.)])[ \t]+(\S.*)$")
# A point's run-in label in capitals, closed by a full stop: "GENERAL CRITERIA. To be promoted, …"
_SHOUTED_LABEL = re.compile(r"^([A-Z][A-Z0-9&/,'()-]*(?:\s+[A-Z0-9&/,'()-]+){0,9})\.\s+(?=\S)")
# An indented dash or "o" point under a numbered one (a memo pasted from Word), not a wrapped line of it.
_OUTLINE_BULLET = re.compile(r"^([ \t]+)(?:[-*•·]|o)[ \t]+(\S.*)$")
OUTLINE_MIN_NUMBERED = 3  # numbered points that make a plain text an outline
OUTLINE_HEADING_WORDS = 10  # a numbered point this short that ends no sentence is a heading


SHEET_MIN_ROWS = 3
SHEET_MIN_COLUMNS = 3
SHEET_HEADER_CELL_MAX = 40  # a header names columns; a sentence with commas in it is no header


def _pasted_sheets_as_tables(text: str) -> str:
    """Spreadsheet rows pasted into a text file ("Field,IC3,IC4,IC5" over "Title,Product Manager,…") as a
    pipe table: lines that read as CSV (or tab-separated) rows with one number of cells, three or more in a
    row. Prose with commas rarely keeps the same count over three lines, and never with a header of short
    names."""
    import csv

    lines = text.splitlines()

    def cells(line: str) -> list[str]:
        if not line.strip():
            return []
        delimiter = "\t" if "\t" in line else ","
        return [" ".join(c.split()) for c in next(csv.reader([line], delimiter=delimiter), [])]

    parsed = [cells(line) for line in lines]
    out, i = [], 0
    while i < len(lines):
        width = len(parsed[i])
        j = i
        while j < len(lines) and width >= SHEET_MIN_COLUMNS and len(parsed[j]) == width:
            j += 1
        if j - i >= SHEET_MIN_ROWS and all(len(c) <= SHEET_HEADER_CELL_MAX for c in parsed[i]):
            out += ["", _pipe_table(parsed[i:j]), ""]
            i = j
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


def _outline_as_markdown(text: str) -> str:
    """A plain-text outline (a wiki exported as text: "1. PURPOSE", "3.1 Level 2 - APM" over indented
    "a. Scope: …" points) as Markdown: numbered titles become headings by their depth, lettered points list
    items, and each point's wrapped lines one line, so the chunker and the ladder see its structure."""
    lines = text.splitlines()
    if any(line.startswith("#") for line in lines) or sum(
            1 for line in lines if (m := _OUTLINE_ITEM.match(line)) and m.group(2)) < OUTLINE_MIN_NUMBERED:
        return text
    out: list[str] = []
    item: list | None = None  # [indent, number, list marker, words so far]
    bullets: list[int] = []  # indents of the dash points open under the last numbered one

    def flush() -> None:
        if item is None:
            return
        _, number, marker, parts = item
        said = " ".join(parts)
        if not marker and (label := _SHOUTED_LABEL.match(said)):
            # "5.2 ASSOCIATE PRODUCT MANAGER TO PRODUCT MANAGER. The colleague must …": a label, not a sentence
            said = f"{as_title(label.group(1)) if ' ' in label.group(1) else label.group(1).capitalize()}: " \
                   f"{said[label.end():]}"
        if marker:
            out.append(f"{marker}{said}")
        elif said.isupper() or (len(said.split()) <= OUTLINE_HEADING_WORDS and not said.endswith((".", ":", ";", ","))):
            out.extend(["", "#" * min(number.count(".") + 2, 5) + " " + as_title(said), ""])  # "LEVEL DEFINITIONS": "Level Definitions"
        else:
            out.append(said)

    for line in lines:
        m = _OUTLINE_ITEM.match(line)
        point = None if m else _OUTLINE_BULLET.match(line)
        if m:
            flush()
            bullets.clear()
            item = [len(m.group(1).expandtabs(4)), m.group(2), "- " if m.group(3) else None, [m.group(4).strip()]]
        elif point:  # "   - Reports to: …", "      o owns the backlog": a point of its own, nested by its indent
            flush()
            indent = len(point.group(1).expandtabs(4))
            while bullets and bullets[-1] >= indent:
                bullets.pop()
            item = [indent, None, "  " * len(bullets) + "- ", [point.group(2).strip()]]
            bullets.append(indent)
        elif item is not None and line.strip() and len(line) - len(line.lstrip()) > item[0]:
            item[3].append(line.strip())  # a wrapped line of the point above
        else:
            flush()
            item = None
            out.append(line)
    flush()
    return "\n".join(out)


RUN_IN_LABEL_WORDS = 5  # "<strong>Reports to.</strong> …": a label, not a bold sentence
# "**Scope.** One squad": a bold run-in label closed by a full stop, which would end a sentence of its own.
_RUN_IN_MARKDOWN = re.compile(r"^(\s*(?:[-*+]\s+)?)(\*\*|__)([^*_\n]+?)\.\2[ \t]+(?=\S)", re.MULTILINE)


def _run_in_label(m: re.Match) -> str:
    if len(m.group(3).split()) > RUN_IN_LABEL_WORDS:
        return m.group(0)
    return f"{m.group(1)}{m.group(2)}{m.group(3)}:{m.group(2)} "


def _run_in_field(el, text: str) -> str | None:
    """A paragraph led by a bold run-in label ("<strong>Scope.</strong> One squad") as a labelled item, the
    form a definition list or a table row's cells take: the label ends no sentence of its own."""
    first = next((c for c in el.children if getattr(c, "name", None) or str(c).strip()), None)
    if getattr(first, "name", None) not in ("strong", "b"):
        return None
    label = _text_of(first)
    rest = text[len(label):].strip()
    if not label or not rest or len(label.split()) > RUN_IN_LABEL_WORDS or not (
            label.endswith((".", ":")) or rest.startswith(":")):
        return None
    return f"- {label.rstrip('.:').strip()}: {rest.lstrip(':').strip()}"


def _definition_list(dl, depth: int = 1) -> str:
    """A definition list as labelled items ("- Scope: one product area"), the form a table row's cells take,
    so a level's fields ("Reports to", "Direct reports") read the same whatever the markup. A list whose terms
    are levels ("T3 — Senior PM") is a section per level, each term its heading."""
    children = [c for c in dl.find_all(["dt", "dd"]) if c.find_parent("dl") is dl]  # nested lists: with their own
    terms = [_text_of(c).rstrip(":") for c in children if c.name == "dt"]
    by_level = sum(bool(level_label_parts(t)) for t in terms) >= 2
    items: list[str] = []
    term = ""
    for child in children:
        text = _text_of(child)
        if child.name == "dt":
            term = text.rstrip(":")
            if by_level:
                items += ["", "#" * min(depth + 1, 5) + " " + term, ""]
        elif text:
            items.append(text if by_level else f"- {term}: {text}" if term else f"- {text}")
    return "\n".join(items)


def _html_table_markdown(html: str) -> str:
    """An HTML table inside a Markdown page, as a pipe table."""
    from bs4 import BeautifulSoup

    table = BeautifulSoup(html, "html.parser").find("table")
    return _html_table(table) if table is not None else html


def _sheet_as_markdown(path: Path, text: str) -> str:
    """A CSV or TSV export as a page. Spreadsheets carry more than a table: title and intro rows above the
    header, one-cell rows that group the rows below them ("Manager track"), notes below. Those become the
    page's title, headings and paragraphs; the header is the first row that fills most of the columns."""
    import csv

    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    rows = [[" <br> ".join(" ".join(line.split()) for line in cell.splitlines() if line.strip()) for cell in row]
            for row in csv.reader(text.splitlines(keepends=True), dialect)]
    rows = [row for row in rows if any(row)]
    if not rows:
        return ""
    filled = [sum(1 for cell in row if cell) for row in rows]
    start = next(i for i, n in enumerate(filled) if n >= max(2, (max(filled) + 1) // 2))
    end = max(i for i, n in enumerate(filled) if n >= 2) + 1
    above = [" ".join(cell for cell in row if cell) for row in rows[:start]]
    title = above.pop(0) if above and len(above[0]) <= 120 else re.sub(r"[-_]+", " ", path.stem).strip()
    parts = [f"# {title}", *above]
    header, body = rows[start], []
    for row, n in zip(rows[start + 1:end], filled[start + 1:end]):
        if n == 1 and row[0]:  # a group's label across the table: a heading, the same header under it
            parts += [_pipe_table([header, *body])] if body else []
            parts.append(f"## {row[0]}")
            body = []
        else:
            body.append(row)
    parts += [_pipe_table([header, *body])] if body else []
    parts += [" ".join(cell for cell in row if cell) for row in rows[end:]]
    return "\n\n".join(parts) + "\n"


def _html_table(table) -> str:
    """An HTML table as a pipe table; line breaks inside cells survive as <br>. Spanned cells are laid out on
    the grid they cover (a header spans its columns; a body cell only the first, so nothing reads twice; a
    row span repeats down), and header rows stacked over one another become one ("Title (IC path)")."""
    rows, heads, below = [], 0, {}  # below: column -> (text, rows it still covers)
    for tr in table.find_all("tr"):
        cells, row, col = tr.find_all(["th", "td"]), [], 0
        if not cells:
            continue
        header = all(cell.name == "th" for cell in cells)
        for cell in [*cells, None]:
            while col in below:
                text, left = below.pop(col)
                row.append(text)
                if left > 1:
                    below[col] = (text, left - 1)
                col += 1
            if cell is None:
                break
            for br in cell.find_all("br"):
                br.replace_with(" <br> ")
            parts = [_text_of(p) for p in cell.find_all(["p", "li"])]
            text = " <br> ".join(x for x in parts if x) or _text_of(cell)
            across, down = _span(cell.get("colspan")), _span(cell.get("rowspan"))
            for k in range(across):
                value = text if k == 0 or header else ""
                row.append(value)
                if down > 1:
                    below[col] = (value, down - 1)
                col += 1
        heads += header and len(rows) == heads
        rows.append(row)
    if heads > 1:  # "Title" over "IC path" | "Manager path": one header row of both
        width = max(len(r) for r in rows[:heads])
        merged = []
        for i in range(width):
            said = list(dict.fromkeys(r[i] for r in rows[:heads] if i < len(r) and r[i]))
            merged.append(f"{said[0]} ({', '.join(said[1:])})" if len(said) > 1 else "".join(said))
        rows = [merged, *rows[heads:]]
    return _pipe_table(rows)


MAX_SPAN = 20  # a cell spanning more is a typo or a layout trick; read as one cell


def _span(value) -> int:
    try:
        return min(max(int(str(value).strip()), 1), MAX_SPAN)
    except (TypeError, ValueError):
        return 1


def _pipe_table(rows: list[list[str]]) -> str:
    """Rows of cells as a Markdown pipe table, the first row its header; short rows are padded."""
    if not rows:
        return ""
    rows = [[cell.replace("|", "/") for cell in row] for row in rows]
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    lines.insert(1, "|" + "---|" * width)
    return "\n".join(lines)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def chunk_source(doc: SourceFile, framework: Framework | None = None) -> list[Document]:
    """Section-aware chunks: each carries its heading path, levels, and a stable id.

    Ids are ``key#section-path:position``: they change only when the section
    itself changes, so citations stored in conversations keep resolving.
    Tables and structured front matter become one passage per cell, row or leaf
    group; prose goes through LangChain's splitters.
    """
    chunks = _Chunks(doc, framework)
    for block in front_matter_blocks(doc.front_matter):
        chunks.add_block(block, [])
    tables, _ = find_tables(doc.text)
    title = title_depth(doc.text)
    for table in tables:
        inner = under_title(table.headings, table.depths, title)
        for block in table_blocks(table, inner or table.headings):
            chunks.add_block(block, inner)
    prose = flatten_nested_lists(without_lines(doc.text, [t.lines for t in tables]))
    for section in MarkdownHeaderTextSplitter(HEADERS, strip_headers=True).split_text(prose):
        keys = [(k, int(k[1:])) for _, k in HEADERS if k in section.metadata]
        headings = [section.metadata[k] for k, _ in keys]
        chunks.add_prose(section.page_content.strip().replace("  \n", "\n"), headings,
                         under_title(headings, [d for _, d in keys], title))
    return chunks.documents


class _Chunks:
    """Passages of one document, with unique ids and the level metadata every passage carries."""

    def __init__(self, doc: SourceFile, framework: Framework | None):
        self.doc = doc
        self.framework = framework
        self.documents: list[Document] = []
        first_h1 = next((h for _, depth, h in markdown_headings(doc.text) if depth == 1), None)
        # A plain text's title is its first line; its outline's headings are its sections
        line = _title_line(doc.text)
        plain_text = Path(doc.source).suffix.lower() == ".txt"
        self.title = doc.title or (line if plain_text else None) or first_h1 or line \
            or Path(doc.source).stem.replace("_", " ")
        self.seen_paths: dict[str, int] = {}

    def _path_slug(self, path: list[str]) -> str:
        path_slug = "/".join(slug(h) for h in path) if path else "intro"
        repeat = self.seen_paths.get(path_slug, 0)
        self.seen_paths[path_slug] = repeat + 1
        return f"{path_slug}-{repeat + 1}" if repeat else path_slug

    def add_prose(self, text: str, headings: list[str], inner: list[str]) -> None:
        """``inner``: the headings below the document's title, which say what the section is about."""
        body, removed = strip_instructions(text)
        if not body:  # a bare heading is no passage
            return
        path = inner or headings
        doc_levels = [label for h in inner for label in level_label_parts(h)]
        levels = _levels_in(inner, self.framework)
        extra = {"to_level": levels[-1] if len(levels) > 1 and "→" in (path[-1] if path else "") else "",
                 "kind": "prose", "competency": _competency(path), "row_header": "", "column_header": ""}
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        self._add(path, splitter.split_text(body), levels, doc_levels, removed, extra, headings)

    def add_block(self, block: Block, headings: list[str]) -> None:
        body, removed = strip_instructions(block.text)
        if not body:
            return
        # A cell in a level's column, or an item under a level, is that level's, even where the table's
        # heading names several ("Differences between GS14 and GS15"); headings decide only otherwise.
        levels = _levels_in(block.doc_levels, self.framework) or _levels_in(headings, self.framework)
        if not levels and block.kind == "front-matter":  # "levels › Crew Lead": an item the ladder knows by name
            levels = _levels_in([block.path[i + 1] for i in range(len(block.path) - 1)
                                 if block.path[i].lower() in LEVEL_KEYS], self.framework)
        lead = body.split(":", 1)[0] + ": " if ":" in body else ""
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        parts = splitter.split_text(body)
        # Every piece of a long cell still starts with the headers that say what it is.
        parts = [parts[0], *(p if p.startswith(lead) else lead + p for p in parts[1:])]
        doc_levels = block.doc_levels or [x for h in headings for x in level_label_parts(h)]
        extra = {"to_level": "", "kind": block.kind, "competency": block.competency,
                 "row_header": block.row_header, "column_header": block.column_header}
        self._add(block.path, parts, levels, doc_levels, removed, extra, headings)

    def _add(self, path, texts, levels, doc_levels, removed, extra, headings) -> None:
        section_name = SECTION_SEPARATOR.join(path) if path else (self.doc.title or self.doc.key)
        path_slug = self._path_slug(path)
        for position, text in enumerate(texts):
            chunk_id = f"{self.doc.key}#{path_slug}:{position}"
            self.documents.append(Document(id=chunk_id, page_content=text, metadata={
                "chunk_id": chunk_id,
                "source": self.doc.source,
                "section": section_name,
                "heading": path[-1] if path else section_name,
                "title": headings[0] if extra["kind"] == "prose" and headings and not self.doc.title else self.title,
                "levels": "|" + "|".join(levels) + "|" if levels else "",
                "doc_levels": "|" + "|".join(doc_levels) + "|" if doc_levels else "",
                "position": position,
                "order": len(self.documents),  # place in the document, for displays in reading order
                "instructions_removed": removed,
                **extra,
            }))


# A heading that groups levels ("Individual contributor track", "People manager levels"), not a competency.
_LEVEL_GROUP = re.compile(r"\b(?:tracks?|levels?|ladders?|paths?|pathways?|careers?|individual\s+contributors?|ic"
                          r"|managers?|management|leaders?|leadership\s+levels)\b", re.IGNORECASE)


TITLE_LINE_WORDS = 12
_EMAIL_HEADER = re.compile(r"^(?:From|To|Date|Subject|Cc|Sent):\s", re.IGNORECASE)
_EMAIL_SUBJECT = re.compile(r"^Subject:\s*(.+)$", re.IGNORECASE | re.MULTILINE)


def _title_line(text: str) -> str | None:
    """A plain text's first line when it reads as a title ("Kestrel Freight - PM Career Ladder"): short, no
    sentence's full stop, no "Field: value"."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if _EMAIL_HEADER.match(first):  # an email saved as text is titled by its subject
        head = text.split("\n\n", 1)[0]
        return subject.group(1).strip() if (subject := _EMAIL_SUBJECT.search(head)) else None
    if first and len(first.split()) <= TITLE_LINE_WORDS and not first.endswith((".", ":", "?")) \
            and not re.match(r"^[^:]{1,40}:\s", first) and not first.startswith(("|", "-", "*", "#")):
        return first
    return None


def _competency(path: list[str]) -> str:
    """The innermost heading that is not a level name: "IC3 › Skills › Execution" -> "Execution", and
    "Growth areas › L5" -> "Growth areas"; a heading above a level that groups levels ("Manager track › M2")
    is none."""
    below = next((i + 1 for i in range(len(path) - 1, -1, -1) if level_label_parts(path[i])), 0)
    inner = [h for h in path[below:] if not level_label_parts(h)]
    outer = [h for h in path[:below] if not level_label_parts(h) and not _LEVEL_GROUP.search(h)]
    return (inner or outer or [""])[-1]


def strip_instructions(text: str) -> tuple[str, int]:
    """Drop sentences that give orders to an assistant (prompt injection); count them."""
    from mentor.text import split_sentences

    kept_lines, removed = [], 0
    for line in text.splitlines():
        sentences = split_sentences(line) if line.strip() else [line]
        kept = [x for x in sentences if not _INSTRUCTION.search(x)]
        removed += len(sentences) - len(kept)
        if kept or not line.strip():
            kept_lines.append(" ".join(kept))
    return "\n".join(kept_lines).strip(), removed


def _levels_in(headings: list[str], framework: Framework | None) -> list[str]:
    """The levels a section is about: those its own headings name, not its body."""
    if framework is None:
        return []
    found = [m.level.id for h in headings for m in framework.find_levels(h)]
    return list(dict.fromkeys(found))


def searchable_text(chunk: Document) -> str:
    """What retrievers see: the heading path gives short passages their topic.

    A table cell's text already starts with its row and column headers; only the
    headings above the table are added, which keeps cells short to embed.
    """
    meta = chunk.metadata
    parts = meta["section"].split(SECTION_SEPARATOR)
    if meta.get("kind") == "table":
        parts = [p for p in parts if p not in (meta.get("row_header"), meta.get("column_header"))]
    return f"{SECTION_SEPARATOR.join(parts)}\n{chunk.page_content}" if parts else chunk.page_content


def iter_files(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Supported files under the given paths, and the given folders (for deletions)."""
    files: list[Path] = []
    folders: list[Path] = []
    for p in paths:
        if p.is_dir():
            folders.append(p)
            files.extend(
                f for f in sorted(p.rglob("*"))
                if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES and not f.name.startswith(".")
            )
        else:
            files.append(p)
    return list(dict.fromkeys(files)), folders
