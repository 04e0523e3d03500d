"""Reading source files into Markdown text, and splitting them into cited chunks."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from langchain_core.documents import Document
from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from mentor.framework import Framework
from mentor.settings import PROJECT_ROOT

SUPPORTED_SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm", ".pdf"}
HEADERS = [("#", "h1"), ("##", "h2"), ("###", "h3"), ("####", "h4")]
SECTION_SEPARATOR = " › "
CHUNK_SIZE = 1000
CHUNK_OVERLAP = 150
# Text that addresses the model rather than the reader: a document is material, never instructions.
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget)\s+(all\s+|any\s+|the\s+|your\s+)*(previous\s+|prior\s+|above\s+|earlier\s+)?"
    r"(instructions|prompts?|rules|context)\b|\byou\s+are\s+now\b|\bsystem\s+prompt\b|"
    r"\b(always|never)\s+(answer|respond|reply|say|tell)\b",
    re.IGNORECASE,
)
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)


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
    else:
        if b"\x00" in data[:8192]:
            raise UnreadableFile(f"{path}: looks binary, not text.")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UnreadableFile(f"{path}: is not valid UTF-8 text.") from None
        if suffix in (".html", ".htm"):
            text = _html_to_markdown(text)
    if not text.strip():
        raise UnreadableFile(f"{path}: has no text.")
    body, meta = split_front_matter(text)
    source = source_name(path)
    return SourceFile(
        path=path,
        source=source,
        key=document_key(source),
        sha256=hashlib.sha256(data).hexdigest(),
        text=body,
        title=str(meta.get("title")) if meta.get("title") else None,
    )


def split_front_matter(text: str) -> tuple[str, dict]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return text, {}
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError:
        return text, {}
    return text[match.end():], meta if isinstance(meta, dict) else {}


def _pdf_text(path: Path, data: bytes) -> str:
    from io import BytesIO

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(BytesIO(data))
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, OSError) as exc:
        raise UnreadableFile(f"{path}: is not a readable PDF ({exc}).") from None


def _html_to_markdown(html: str) -> str:
    """Headings become Markdown headings so the section-aware splitter sees the structure."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    lines = []
    for el in soup.find_all(["h1", "h2", "h3", "h4", "p", "li", "pre", "blockquote", "td"]):
        text = " ".join(el.get_text(" ", strip=True).split())
        if not text:
            continue
        if el.name.startswith("h"):
            lines.append("#" * int(el.name[1]) + " " + text)
        else:
            lines.append(text)
    return "\n\n".join(lines) if lines else soup.get_text("\n", strip=True)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def chunk_source(doc: SourceFile, framework: Framework | None = None) -> list[Document]:
    """Section-aware chunks: each carries its heading path, levels, and a stable id.

    Ids are ``key#section-path:position``: they change only when the section
    itself changes, so citations stored in conversations keep resolving.
    """
    sections = MarkdownHeaderTextSplitter(HEADERS, strip_headers=True).split_text(doc.text)
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    chunks: list[Document] = []
    seen_paths: dict[str, int] = {}
    for section in sections:
        headings = [section.metadata[k] for _, k in HEADERS if k in section.metadata]
        body, removed = strip_instructions(section.page_content.strip().replace("  \n", "\n"))
        if not body:  # a bare heading is no passage
            continue
        # The document title (h1) frames everything; the section is what's below it.
        path = headings[1:] if len(headings) > 1 else headings
        section_name = SECTION_SEPARATOR.join(path) if path else (doc.title or doc.key)
        path_slug = "/".join(slug(h) for h in path) if path else "intro"
        repeat = seen_paths.get(path_slug, 0)
        seen_paths[path_slug] = repeat + 1
        if repeat:
            path_slug = f"{path_slug}-{repeat + 1}"
        levels = _levels_in(headings[1:], framework)
        for position, text in enumerate(splitter.split_text(body)):
            chunks.append(
                Document(
                    id=f"{doc.key}#{path_slug}:{position}",
                    page_content=text,
                    metadata={
                        "chunk_id": f"{doc.key}#{path_slug}:{position}",
                        "source": doc.source,
                        "section": section_name,
                        "heading": path[-1] if path else section_name,
                        "title": doc.title or (headings[0] if headings else doc.key),
                        "levels": "|" + "|".join(levels) + "|" if levels else "",
                        # A heading "A → B" describes the step up to B.
                        "to_level": levels[-1] if len(levels) > 1 and "→" in (path[-1] if path else "") else "",
                        "position": position,
                        "instructions_removed": removed,
                    },
                )
            )
    return chunks


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
    """What retrievers see: the heading path gives short passages their topic."""
    return f"{chunk.metadata['section']}\n{chunk.page_content}"


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
