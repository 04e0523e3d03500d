"""Several ladders side by side: the general framework and one per company.

A company ladder is a framework file under ``<corpus>/ladders/NAME.yaml`` whose
``document`` names the company's ladder document. ``draft_ladder`` proposes one
from the document's tables, headings and front matter; ``level_diff`` compares
two of its levels competency by competency from the indexed passages.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from mentor.documents import read_source, slug, source_name
from mentor.errors import FrameworkError, InputError
from mentor.formats import (HEADER_SEPARATOR, LEVEL_KEYS, ROMAN, TEXT_KEYS, TITLE_COLUMN, code_number,
                            as_title, code_beside_title, code_family, codes_down_first_column, find_tables, front_matter_blocks, headings,
                            is_code_like, is_level_code, level_label_parts, table_blocks, titles_by_code)
from mentor.framework import Framework, Level, load_framework, normalize, validated
from mentor.settings import PROJECT_ROOT, Settings

GENERAL = "general"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


# ---- where ladders live -------------------------------------------------------


def ladders_dir(settings: Settings) -> Path:
    return settings.corpus_dir / "ladders"


def ladder_paths(settings: Settings) -> dict[str, Path]:
    """Ladder name -> framework file; the general one first."""
    found = sorted(ladders_dir(settings).glob("*.yaml")) if ladders_dir(settings).is_dir() else []
    return {GENERAL: settings.framework_path, **{p.stem: p for p in found if p.stem != GENERAL}}


def load_ladder(settings: Settings, name: str | None = None) -> Framework:
    """The framework of a ladder by name (None or "general": the general one); InputError if unknown."""
    paths = ladder_paths(settings)
    name = (name or GENERAL).strip()
    if name not in paths:
        raise InputError(f"There is no ladder named '{name}'; known ladders: {', '.join(paths)}.")
    return load_framework(paths[name])


@dataclass
class LadderInfo:
    name: str
    path: str
    title: str
    document: str | None
    levels: int
    error: str | None = None


def list_ladders(settings: Settings) -> list[LadderInfo]:
    """Every ladder, each validated; an invalid file is listed with its one-sentence error."""
    out = []
    for name, path in ladder_paths(settings).items():
        try:
            fw = load_framework(path)
            out.append(LadderInfo(name, source_name(path), fw.name, fw.document, len(fw.levels)))
        except FrameworkError as exc:
            out.append(LadderInfo(name, source_name(path), "", None, 0, str(exc)))
    return out


def ladders_fingerprint(settings: Settings) -> str:
    """One hash over every ladder file: passages carry their levels, so any change re-chunks."""
    digest = hashlib.sha256()
    for name, path in ladder_paths(settings).items():
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"") + b"\0")
    return digest.hexdigest()


def document_matches(document: str | None, source: str, path: Path, corpus_dir: Path) -> bool:
    """Whether a ladder's `document` names this file (relative to the corpus or project, or absolute)."""
    if not document:
        return False
    named = Path(document).expanduser()
    candidates = [named] if named.is_absolute() else [corpus_dir / named, PROJECT_ROOT / named, Path.cwd() / named]
    resolved = path.resolve()
    return (any(c.resolve() == resolved for c in candidates)
            or source == document or source.endswith("/" + document.lstrip("./")))


class LadderFrameworks:
    """Which framework's level ids a document's passages get: the ladder whose document it is."""

    def __init__(self, settings: Settings, general: Framework):
        self.settings = settings
        self.general = general
        self.company = [load_framework(p) for name, p in ladder_paths(settings).items() if name != GENERAL]

    def for_document(self, source: str, path: Path) -> Framework:
        return next((fw for fw in self.company if document_matches(fw.document, source, path, self.settings.corpus_dir)),
                    self.general)


def ladder_of_document(settings: Settings, document: str) -> str | None:
    """The name of the ladder whose `document` is this file (a name like "acme.md" or a path), if any."""
    wanted = Path(document).name
    for name, path in ladder_paths(settings).items():
        try:
            named = load_framework(path).document
        except FrameworkError:
            continue
        if named and (named == document or Path(named).name == wanted):
            return name
    return None


def ladder_sources(settings: Settings, fw: Framework, indexed: dict[str, Path]) -> set[str]:
    """The indexed sources (citation names) of a ladder's document."""
    return {s for s, p in indexed.items() if document_matches(fw.document, s, p, settings.corpus_dir)}


def documents_with_ladders(settings: Settings, indexed: dict[str, Path]) -> list[tuple[str, str | None]]:
    """Each indexed source with the ladder whose document it is (None: a document no ladder names)."""
    named = []
    for name, path in ladder_paths(settings).items():
        try:
            named.append((name, load_framework(path).document))
        except FrameworkError:
            continue
    return [(source, next((n for n, d in named if document_matches(d, source, path, settings.corpus_dir)), None))
            for source, path in sorted(indexed.items())]


# ---- the chosen ladder first, or the one a question names ------------------------

_OURS = re.compile(r"\b(?:our|my\s+company'?s?)\s+(?:own\s+)?(?:ladder|framework|levels?|career\s+(?:path|ladder)|rubric|"
                   r"company)\b|\bat\s+my\s+company\b", re.IGNORECASE)
_COMPANY = re.compile(r"\b(?:at|in|for|from)\s+([\w&-]+)|\b([\w&-]+)['’]s\s+(?:ladder|framework|levels?|career|"
                      r"rubric|matrix|expectations|competenc)", re.IGNORECASE)
COMPANY_TYPO_MIN = 6  # a shorter name is too near too many words to be read through a typo
_GENERIC_WORDS = {"ladder", "ladders", "framework", "career", "product", "manager", "management", "pm", "pms",
                  "engineering", "the", "of", "and", "for", "path", "pathway", "levels", "level", "role", "roles",
                  "general", "company", "handbook", "guide", "matrix", "competencies", "competency"}


@dataclass
class LadderPreference:
    """Sources whose passages come first: the chosen ladder's, or a company ladder the question names."""

    chosen: set[str] = field(default_factory=set)
    named: dict[str, set[str]] = field(default_factory=dict)  # a company's name (lower case) -> its sources
    # Words of every document's file name: a company only when the question names one ("at X", "X's").
    documents: dict[str, set[str]] = field(default_factory=dict)

    def without_references(self, question: str) -> str:
        """The question without the words that point at a document ("our ladder", "at Acme", "Acme's
        framework"): they say where to look, not what is asked."""
        text = _OURS.sub(" ", question)
        for word in sorted({*self.named, *self.documents}, key=len, reverse=True):
            if len(word) > 2 and word not in _GENERIC_WORDS:
                text = re.sub(rf"\b(?:(?:at|in|for|from)\s+)?{re.escape(word)}(?:['’]s)?"
                              rf"(?:\s+(?:ladder|framework|levels?|career\s+(?:path|ladder)|rubric|matrix))?\b",
                              " ", text, flags=re.IGNORECASE)
        return " ".join(text.split())

    def company_word(self, word: str) -> str | None:
        """The company name a word spells, typos included ("Sirrocco" for Sirocco): one or two letters off in a
        name of six or more, so "Stripe" is never read as "strive"."""
        word = word.lower()
        known = {w for w in {*self.named, *self.documents} if len(w) > 2 and w not in _GENERIC_WORDS}
        if word in known:
            return word
        if len(word) < COMPANY_TYPO_MIN:
            return None
        from rapidfuzz.distance import OSA
        near = [w for w in known if len(w) >= COMPANY_TYPO_MIN and w[0] == word[0]
                and OSA.distance(word, w) <= (1 if len(w) < 8 else 2)]
        return near[0] if len(near) == 1 else None

    def preferred(self, question: str) -> set[str]:
        text = question.lower()
        hits = {s for word, sources in self.named.items()
                if re.search(rf"\b{re.escape(word)}(?:'s)?\b", text) for s in sources}
        for m in _COMPANY.finditer(question):  # "at Sirrocco": a company's name misspelt is still its name
            if (word := self.company_word(m.group(1) or m.group(2))) is not None:
                hits |= self.named.get(word, set()) | self.documents.get(word, set())
        if hits:
            return hits
        if not self.chosen and _OURS.search(question):
            companies = {frozenset(sources) for sources in self.named.values() if sources}
            if len(companies) == 1:  # "our ladder" with one company ladder saved: that one
                return set(next(iter(companies)))
        return set(self.chosen)


def ladder_preference(settings: Settings, chosen: str | None, indexed: dict[str, Path]) -> LadderPreference:
    pref = LadderPreference()
    for name, path in ladder_paths(settings).items():
        if name == GENERAL:
            continue
        try:
            fw = load_framework(path)
        except FrameworkError:
            continue  # listed with its error by `mentor ladder list`; retrieval carries on without it
        sources = ladder_sources(settings, fw, indexed)
        if name == chosen:
            pref.chosen = sources
        for word in _company_words(name, fw.name):
            pref.named.setdefault(word, set()).update(sources)
    for source in indexed:
        for word in _company_words(Path(source).stem, ""):
            pref.documents.setdefault(word, set()).add(source)
    return pref


def _company_words(name: str, title: str) -> set[str]:
    words = set(re.split(r"[-_\s]+", name.lower())) | {w.lower() for w in re.findall(r"[A-Z][\w&.-]+", title)}
    return {w for w in words if len(w) > 2 and w not in _GENERIC_WORDS}


# ---- drafting a ladder from a document ---------------------------------------------


class NoLevelsFound(InputError):
    """The document names no levels a ladder could be drafted from."""


@dataclass
class _Found:
    names: list[str]  # the document's own labels for one level, first = preferred name
    section: str
    order: int
    from_heading: bool = False
    container: str = ""  # the heading or data item the level sits under ("Management track")
    fields: str = ""  # "Header: cell" lines of the level's own table row ("Track: People manager")
    also: list[str] = field(default_factory=list)  # names its text gives it ("Also called: Senior PM"): aliases
    row: str = ""  # the table row it shares with the other tracks' levels of its seniority


_ROLE_WORDS = re.compile(r"\b(product\s+managers?|product\s+management|product\s+owners?|product|pms?|of)\b",
                         re.IGNORECASE)
_CODE = re.compile(r"^(?:IC|L|P|M|E|PM|T|G)\s?-?\d{1,2}$|^(?:Level|Band|Grade|Tier)\s+\d{1,2}$", re.IGNORECASE)
_TRACKS_STATED = re.compile(r"individual\s+contributor|\bIC\s*track|\bIC\d|management\s+(?:track|pathway|path|route)|manager\s+track|"
                            r"people\s+manage|managerial|leadership\s+track|\bM\d\b", re.IGNORECASE)
_TRACK_CONTAINER = re.compile(r"\b(?:tracks?|paths?|pathways?|routes?|streams?|ladders?)\b", re.IGNORECASE)
_MANAGING_CONTAINER = re.compile(r"\bmanag\w*|\bleader\w*|\bpeople\b|\bmgr\b|\bmgmt\b", re.IGNORECASE)
_MANAGER = re.compile(r"^M\s?-?\d|\b(director|vp|vice\s+president|head|chief|cpo|group|manager\s+of|management)\b",
                      re.IGNORECASE)


def _core(label: str) -> str:
    """A title without its role words, so "Senior PM" and "Senior Product Manager" are one level."""
    core = " ".join(_ROLE_WORDS.sub(" ", normalize(label).replace(".", "")).split())
    return core or normalize(label)


def detect_levels(path: Path) -> list[_Found]:
    """Levels a document names in its table headers, headings and front matter, in document order."""
    doc = read_source(path)
    seen: list[tuple[int, list[str], str, bool]] = []  # (line, labels, section, from a heading)
    row_fields: dict[str, str] = {}
    containers: dict[str, str] = {}
    rows: dict[str, str] = {}  # a cell's level → its row, where a row holds a level of each track
    by_name: dict[str, tuple[str, str]] = {}  # the same, (track, row) by each of the level's names
    track_names = _track_names(doc.text)
    for table in find_tables(doc.text)[0]:
        paired = [i for i, h in enumerate(table.header) if i and _PAIRED_COLUMN.search(h)]
        # "Title (IC path)" beside "Title (Manager path)": a row holds a level of each track, not two names of one
        split = {i for i in paired if _without_track(table.header[i], track_names)[1]}
        # "IC track" beside "Management track", each cell a level ("P4 Staff Product Manager"): the same
        # (the first column too, when no rank column precedes them: "IC track | Management track")
        tracked = {i for i, h in enumerate(table.header) if (named := _TRACK_HEADER.match(h))
                   and named.group(1).lower() in track_names
                   and sum(bool(_track_cell(r[i])) for r in table.rows if i < len(r)) >= 2}
        if tracked - {0}:
            split |= tracked
        if len(split) > 1:
            for n, row in enumerate(table.rows):
                code = [c for c in level_label_parts(row[0]) if is_code_like(c) or is_level_code(c)] \
                    if row and 0 not in split else []
                named = {i: level_label_parts(row[i]) or (_track_cell(row[i]) if i in tracked else [])
                         for i in sorted(split) if i < len(row)}
                cells = [i for i, parts in named.items() if parts]
                seen += [(table.lines[0], [*code, *named[i]], row[i], False) for i in cells]
                for i in cells:
                    containers[row[i]], rows[row[i]] = table.header[i], f"{table.lines[0]}:{n}"
                    for name in named[i]:  # a heading may give the level its section later
                        by_name.setdefault(normalize(name), (table.header[i], f"{table.lines[0]}:{n}"))
            continue
        coded = codes_down_first_column(table)
        # Levels across the top: a row headed "Title" or "Also called" gives each column's other names.
        naming_rows = [r for r in table.rows if r and (_PAIRED_COLUMN.fullmatch(_bare_label(r[0]))
                                                        or _ALIAS_FIELD.fullmatch(_bare_label(r[0])))]
        for block in table_blocks(table, []):
            for label in block.doc_levels:
                row = next((r for r in table.rows if r and r[0].replace("\n", " ") == label), [])
                titles = [x for i in paired if i < len(row)
                          for x in level_label_parts(row[i]) or _title_in_column(table.header[i], row[i])]
                if label in table.header[1:]:
                    column = table.header.index(label, 1)
                    titles += [x for r in naming_rows if column < len(r)
                               for x in _names_in_cell(r[column]) or _title_in_column(_bare_label(r[0]), r[column])]
                own = level_label_parts(label) or ([label] if coded else []) or \
                    [code for code in label.split(HEADER_SEPARATOR)[:1]
                     if titles and (is_code_like(code) or is_level_code(code))]
                seen.append((table.lines[0], [*own, *titles], label, False))
                if table.headings:  # a table under "## Leadership track": its rows are that track's levels
                    containers[label] = table.headings[-1]
                row_fields[label] = "\n".join(f"{h}: {c}" for h, c in zip(table.header[1:], row[1:]))
    outline: list[tuple[int, str]] = []  # the headings above the current line, by depth
    unnamed: list[tuple[int, int, str, str]] = []  # headings no pattern reads as a level, and without their track
    families: set[tuple[int, str]] = set()  # (depth, letters) of the codes level headings carry
    marks = [(line, depth, heading) for line, depth, heading in headings(doc.text)]
    for i, (line, depth, heading) in enumerate(marks):
        outline = [(d, h) for d, h in outline if d < depth]
        if depth <= 5:
            named, track = _without_track(heading, track_names)
            parts = level_label_parts(named)
            if len(parts) > 1 and _names_its_subheadings(parts, depth, marks[i + 1:], track_names):
                parts = []  # "Lead PM / Group PM" over a heading for each: a pair of levels, not one of two names
            seen.append((line, parts, heading, True))
            families |= {(depth, code_family(x)) for x in parts if is_code_like(x) or is_level_code(x)}
            if not parts:
                unnamed.append((line, depth, heading, named))
            if track:  # "Band 8 - Product Lead (Leadership)": the heading says its track itself
                containers[heading] = f"{track} track"
            elif outline:
                containers[heading] = outline[-1][1]
        outline.append((depth, heading))
    # Beside "Associate PM L1 · Band A", a heading "Voyager L2 · Band B" at the same depth is a level too:
    # its code numbers it on the same ladder, whatever its title's words.
    for line, depth, heading, named in unnamed:
        if parts := titles_by_code(named, {family for d, family in families if d == depth}):
            seen.append((line, parts, heading, True))
    found: list[_Found] = []
    for _, parts, section, is_heading in sorted(seen, key=lambda x: x[0]):
        _merge(found, parts, section, is_heading)
    if len(found) < 2:  # no structure names them: a sentence may list them ("across 5 role levels; A, B, …")
        for section, names in _listed_levels(doc.text):
            for label in names:
                _merge(found, level_label_parts(label), section, False)
    for block in front_matter_blocks(doc.front_matter):
        # "- name: IC3" with "title: Senior PM" beside it: one level, two names.
        paired = [x for line in block.text.splitlines()[1:] if _PAIRED_FIELD.match(line)
                  for x in level_label_parts(_PAIRED_FIELD.match(line).group(1))]

        if block.doc_levels:  # "id: L3" and "title: Associate PM" of one item: one level, two names
            _merge(found, [*block.doc_levels, *paired], block.doc_levels[0], False)
        if block.path and block.path[-1].lower() in LEVEL_KEYS:
            for line in block.text.splitlines()[1:]:
                _merge(found, level_label_parts(line.lstrip("- ")), line.lstrip("- "), False)
        elif len(block.path) >= 2 and block.path[-2].lower() in LEVEL_KEYS:  # an item of a "levels" list
            _merge(found, [*level_label_parts(block.path[-1]), *paired], block.path[-1], False)
            row_fields.setdefault(block.path[-1], block.text)  # its "track: mgr", "span_of_control: 0"
            if len(block.path) >= 3:  # "tracks › Product Leadership track › levels › Product Lead"
                containers[block.path[-1]] = block.path[-3]
    pairs = _codes_in_data(doc.front_matter)
    for i, (title, code) in enumerate(pairs):  # "code: M-1" beside a title no label knows ("Manager, Product …")
        by_code = next((f for f in found if normalize(code) in {normalize(n) for n in f.names}), None)
        by_title = next((f for f in found if title in f.names), None)
        if by_code is not None and by_title is not None and by_code is not by_title \
                and all(_is_code(n) for n in by_code.names):
            # "levels: [P1, P2]" under a track, then "code: P1, title: Associate PM": one level named twice
            by_title.names += [n for n in by_code.names if normalize(n) not in {normalize(x) for x in by_title.names}]
            found.remove(by_code)
            continue
        if by_code is not None and by_title is None and all(_is_code(n) for n in by_code.names):
            by_code.names.append(title)  # known by its code alone until now
            continue
        if by_code is not None or by_title is not None:
            continue
        _merge(found, [title, code], title, False)
        later = {normalize(c) for _, c in pairs[i + 1:]} | {t for t, _ in pairs[i + 1:]}
        # in the data's own order: before the first level listed after it
        at = next((j for j, f in enumerate(found[:-1]) if any(normalize(n) in later or n in later for n in f.names)),
                  len(found) - 1)
        found.insert(at, found.pop())
    own = _under_headings(doc.text)
    for f in found:  # "### Voyager L2" then "- Also called: Product Manager (in offer letters).": another name
        for line in own.get(f.section, "").splitlines() if f.from_heading else []:
            if (field := _FIELD_LINE.match(line)) and _ALIAS_FIELD.fullmatch(_bare_label(field.group(1))):
                first = re.split(r"(?<=[a-z)])\.\s", field.group(2))[0]
                f.also += [x for x in _names_in_cell(first) if normalize(x) not in {normalize(n) for n in f.names}]
    for f in found:  # "Our third level, Senior Product Manager (internally 'SPM'), …": its short name in brackets
        opening = _first_sentence(own.get(f.section, "")) if f.from_heading else ""
        for name in list(f.names):
            for said in re.finditer(rf"(?<![\w-]){re.escape(name)}\s*\(([^()]{{1,40}})\)", opening):
                quoted = _QUOTED.search(said.group(1))  # "(we say 'APM')": the quoted word is the name
                short = quoted.group(1) if quoted else _BRACKET_LEAD.sub("", said.group(1)).strip()
                if 1 <= len(short.split()) <= 2 and re.search(r"[A-Z]", short) \
                        and normalize(short) not in {normalize(n) for n in [*f.names, *f.also]}:
                    f.also.append(short)
    codes = dict(pairs)
    for f in found:
        f.container, f.row = containers.get(f.section, ""), rows.get(f.section, "")
        if not f.row and (named := next((by_name[normalize(n)] for n in f.names if normalize(n) in by_name), None)):
            f.container, f.row = named
        if not f.container and f.from_heading and (said := _TRACK_SAID.search(_first_sentence(own.get(f.section, "")))):
            f.container = said.group(0)  # "The management track starts at Product Lead.": its own section says it
        # A table row's fields ("Track: Manager") stay the level's when a heading later gave it its section
        f.fields = row_fields.get(f.section) or next((row_fields[n] for n in f.names if n in row_fields), "")
        code = next((codes[n] for n in f.names if n in codes), None)
        if code and code not in f.names:  # "code: Q2" beside "title: Product Manager", whatever its letters
            f.names.append(code)
    for line, depth, heading, named in unnamed:
        # "## What does a Staff PM do?" over the answer, the level found in a table: that level's own section
        # (a heading over others that name several other levels, like the page's title, is no one level's)
        about = _levels_named_in(named, found)
        under = itertools.takewhile(lambda mark: mark[1] > depth, (m for m in marks if m[0] > line))
        others = {id(f) for _, _, below in under for f in _levels_named_in(below, found)} - {id(f) for f in about}
        if len(about) == 1 and not about[0].from_heading and len(others) < 2:
            about[0].section, about[0].from_heading = heading, True
    return found


# A track named in a sentence ("on the IC track", "the management track starts at …")
_TRACK_SAID = re.compile(r"\b(?:individual[- ]contributor|IC|management|manager|leadership|people[- ]manager)\s+"
                         r"(?:track|path|ladder|route)\b", re.IGNORECASE)


_BRACKET_LEAD = re.compile(r"^(?:internally|aka|a\.k\.a\.?|also\s+(?:called|known\s+as)|known\s+as|or|short|"
                           r"abbreviated|i\.e\.?)\s*[:,]?\s*", re.IGNORECASE)


_QUOTED = re.compile(r"['\"‘“]([^'\"‘’“”]{1,30})['\"’”]")


def _first_sentence(text: str) -> str:
    from mentor.text import split_sentences

    return next((s for line in text.splitlines() if line.strip() for s in split_sentences(line)), "")


def _levels_named_in(text: str, found: list[_Found]) -> list[_Found]:
    """The levels a line names, by any of their names or usual short forms ("Staff PM"); a name inside a
    longer one ("PM" in "Senior PM") names nothing of its own."""
    spans = [(m.start(), m.end(), f) for f in found for name in _aliases(f.names) if len(name) > 1
             for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, re.IGNORECASE)]
    kept = [(a, b, f) for a, b, f in spans if not any(x <= a and b <= y and (y - x) > (b - a) for x, y, _ in spans)]
    return list({id(f): f for _, _, f in kept}.values())


def _codes_in_data(data) -> list[tuple[str, str]]:
    """(title, code) of every data item that gives both ("title: Product Manager", "code: Q2")."""
    out = []
    if isinstance(data, dict):
        title = next((str(data[k]) for k in data if str(k).lower() in ("title", "name", "role", "job title")), None)
        code = next((str(data[k]) for k in data if str(k).lower() in _CODE_KEYS
                     and is_code_like(str(data[k]))), None)
        if title and code:
            out.append((title.strip(), code.strip()))
        data = list(data.values())
    if isinstance(data, list):
        for item in data:
            out += _codes_in_data(item)
    return out


# A sentence that lists the levels: "… across 5 role levels; Associate PM, PM, Senior PM, …", "Our grades are …".
_LIST_INTRO = re.compile(r"\b(?:levels|grades|bands|titles|roles|tiers|stages)\b[^.;:\n]{0,40}?"
                         r"(?:[:;]|\b(?:are|include|includes)\b)\s*([^.\n]+)", re.IGNORECASE)
_LIST_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\bthen\b)\s*", re.IGNORECASE)


def _listed_levels(text: str) -> list[tuple[str, list[str]]]:
    """(section, names) of each sentence listing three or more labels that are all level names, in order."""
    lists, section = [], ""
    heading_at = {line: heading for line, _, heading in headings(text)}
    for number, raw in enumerate(text.splitlines()):
        if number in heading_at:
            section = heading_at[number]
            continue
        for m in _LIST_INTRO.finditer(raw.strip()):
            items = [i.strip(" *_'\"") for i in _LIST_SPLIT.split(m.group(1)) if i.strip(" *_'\"")]
            if len(items) >= 3 and all(level_label_parts(i) for i in items):
                lists.append((section, items))
    return lists


def _title_in_column(header: str, cell: str) -> list[str]:
    """A column headed "Title" names titles, whatever words a company uses ("Product Analyst")."""
    cell = " ".join(cell.split())
    return [cell] if TITLE_COLUMN.match(header.strip()) and 1 <= len(cell.split()) <= 5 and cell[:1].isupper() \
        and not re.search(r"[.;:!?]", cell) else []


# Columns that give a level's other name ("Title" beside "IC3"), unlike "Reports to".
_PAIRED_COLUMN = re.compile(r"\b(title|name|role|level|grade|band|position|job)\b", re.IGNORECASE)


_PAIRED_FIELD = re.compile(r"^- (?:title|name|role|job title|level):\s*(.+)$", re.IGNORECASE)
_CODE_KEYS = ("code", "id", "level", "grade", "band", "level_code", "level code")


_ALIAS_FIELD = re.compile(r"(?:also\s+)?(?:called|known\s+as)|aka|a\.k\.a\.?|alias(?:es)?|other\s+names?|"
                          r"formerly|previous\s+titles?|(?:job\s+)?titles?", re.IGNORECASE)


_FIELD_LINE = re.compile(r"^\s*(?:[-*•]\s+)?([^:]{2,40}):\s+(.+)$")  # "- Also called: APM."


def _bare_label(cell: str) -> str:
    return " ".join(cell.replace("*", "").replace("_", " ").split()).strip(" :")


def _names_in_cell(cell: str) -> list[str]:
    """The level names a cell lists ("Sr. PM, SPM", "Staff PM (legacy)"): its asides in brackets left out."""
    pieces = re.split(r"[;/]|\bor\b", re.sub(r"\([^)]*\)|<br\s*/?>", ";", cell))
    return [x for piece in pieces for x in level_label_parts(piece)]


def _is_code(name: str) -> bool:
    """A level's numbered form, the usual ones ("IC3", "Level 4") or any a table's code column gives ("S1")."""
    return is_level_code(name) or bool(_CODE.match(name)) or is_code_like(name)


# "the Craft track", "our Leadership path": the names a document gives its tracks.
_TRACK_NAMED = re.compile(r"\b([A-Z][\w-]*(?:\s+[A-Z][\w-]*)?)\s+(?i:track|path|pathway|route|stream)\b")
_GENERIC_TRACKS = {"ic", "individual contributor", "manager", "management", "leadership", "people manager",
                   "people management"}
# A heading's last part, bracketed or after a separator: "(Craft)", "· Manager track", "[IC]".
_HEADING_TRACK = re.compile(r"\s*[(\[]\s*([^()\[\]]+?)\s*[)\]]\s*$|\s+[-–—·|]\s+([^-–—·|()]+?)\s*$")


def _track_cell(cell: str) -> list[str]:
    """A level in a track's column: a known title, or any short title beside its code ("K3 Squad Captain"),
    since the column says what its cells are."""
    return level_label_parts(cell) or (pair[::-1] if (pair := code_beside_title(
        re.sub(r"\s+", " ", cell).strip(), lambda title: 0 < len(title.split()) <= TRACK_CELL_WORDS)) else [])


TRACK_CELL_WORDS = 4
_TRACK_HEADER = re.compile(r"^\W*(.+?)\s+(?:track|path|pathway|route|stream|ladder)s?\W*$", re.IGNORECASE)


def _track_names(text: str) -> set[str]:
    return _GENERIC_TRACKS | {m.group(1).lower() for m in _TRACK_NAMED.finditer(text)}


def _names_its_subheadings(parts: list[str], depth: int, after: list[tuple[int, int, str]], tracks: set[str]) -> bool:
    """Whether each name a heading gives is the name of a heading under it."""
    under = []
    for _, d, heading in after:
        if d <= depth:
            break
        under += [normalize(x) for x in level_label_parts(_without_track(heading, tracks)[0])]
    return all(normalize(p) in under for p in parts)


def _without_track(heading: str, tracks: set[str]) -> tuple[str, str | None]:
    """The heading without a last part that only names a track ("Band 6 - Product Owner (Craft)" →
    "Band 6 - Product Owner", "Craft"): a track is no name of the level."""
    m = _HEADING_TRACK.search(heading)
    if m is None:
        return heading, None
    said = m.group(1) or m.group(2)
    # "(Band F, leadership route)": the band stays the level's, the track is said apart
    *rest, last = said.split(",") if m.group(1) else [said]
    bare = re.sub(r"\s+(?:track|path|pathway|route|stream)$", "", last.strip(), flags=re.IGNORECASE)
    if bare.lower() not in tracks:
        return heading, None
    kept = f" ({', '.join(x.strip() for x in rest)})" if rest else ""
    return heading[:m.start()].rstrip() + kept, bare


def _headings(text: str) -> list[tuple[int, str]]:
    return [(line, heading) for line, depth, heading in headings(text) if depth <= 5]


def _merge(found: list[_Found], parts: list[str], section: str, is_heading: bool) -> None:
    if not parts:
        return
    if len(parts) == 1 and (initial := re.fullmatch(r"([A-Za-z])PM", parts[0])):
        # A glossary's "GPM" is the Group Product Manager already found, when only one title fits it.
        letter = initial.group(1).lower()
        fits = [f for f in found if any((m := _ONE_WORD_PM.match(n)) and m.group(1)[0].lower() == letter for n in f.names)]
        if len(fits) == 1:
            fits[0].names.extend(p for p in parts if p not in fits[0].names)
            return
    cores = {_core(p) for p in parts}
    codes = {normalize(p) for p in parts if _is_code(p)}
    titles = {_core(p) for p in parts if not _is_code(p)}
    for f in found:
        known_codes = {normalize(n) for n in f.names if _is_code(n)}
        known_titles = {_core(n) for n in f.names if not _is_code(n)}
        if codes and known_codes and not codes & known_codes:
            continue  # "M1 – Product Lead" is not "P4 – Lead Product Manager", though both cores read "lead"
        if titles and known_titles and not titles & known_titles:
            continue  # two roles at one level ("L6: Staff PM", "L6: Group PM") are two levels
        if cores & {_core(n) for n in f.names}:
            f.names.extend(p for p in parts if normalize(p) not in {normalize(n) for n in f.names})
            if is_heading and not f.from_heading:  # passages under a heading carry it as their section
                f.section, f.from_heading = section, True
            return
    found.append(_Found(list(parts), section, len(found), is_heading))


def draft_ladder(path: Path, name: str | None = None, corpus_dir: Path | None = None) -> dict:
    """A framework (the schema of corpus/career-framework.yaml) proposed from a ladder document.

    Its `document` is relative to the corpus folder when the file is inside it, else absolute,
    so the ladder finds its passages whatever folder the command runs from.
    """
    found = detect_levels(path)
    if len(found) < 2:
        raise NoLevelsFound(f"Found no levels in {path}: no table header, heading or front matter names "
                            f"two or more levels such as 'IC3', 'Level 4' or 'Senior PM'.")
    doc = read_source(path)
    stated = bool(_TRACKS_STATED.search(doc.text + yaml.safe_dump(doc.front_matter)))
    # Levels grouped under containers that name tracks ("Product Leadership track"): the document's own split.
    # Sections with no "track" in their names split them as well ("## Builders", "## Leaders"), where some of
    # them, not all, name the managing of people.
    grouped = {f.container for f in found if _TRACK_CONTAINER.search(f.container)}
    sections = {f.container for f in found if f.container}
    if len(grouped) < 2 and 0 < sum(bool(_MANAGING_CONTAINER.search(c)) for c in sections) < len(sections):
        grouped = sections
    by_container = len(grouped) >= 2 and any(_MANAGING_CONTAINER.search(c) for c in grouped)
    # Each level's own "Manages people: yes / no" field, where the document gives one to several levels.
    manages = _manages_people(doc.text, found)
    by_field = sum(v is not None for v in manages.values()) >= 2 and any(manages.values())
    levels, used = [], set()
    for rank, f in enumerate(found, start=1):
        titles = [n for n in f.names if not _is_code(n)]
        level_name = as_title(max(titles, key=len)) if titles else f.names[0]
        if by_container and f.container in grouped:
            track = "manager" if _MANAGING_CONTAINER.search(f.container) else "ic"
        elif by_field and manages.get(f.section) is not None:
            track = "manager" if manages[f.section] else "ic"
        else:
            track = "manager" if stated and _MANAGER.search(" ".join(f.names)) else "ic"
        levels.append({"id": _unique(slug(level_name), used), "name": level_name, "track": track, "rank": rank,
                       "section": f.section, "aliases": _aliases([*f.names, *f.also])})
    _rank_by_shared_numbers(levels)  # before shared names go: "Band 7" ranks both of its titles
    _rank_by_shared_bands(levels)
    _rank_by_shared_rows(levels, {lvl["id"]: f.row for lvl, f in zip(levels, found) if f.row})
    # "| M1 | Group Product Manager | Manager | E |": a band column's value is a row of its own
    _rank_by_shared_rows(levels, {lvl["id"]: band for lvl, f in zip(levels, found) if (band := _band_field(f.fields))})
    _drop_shared_aliases(levels, {lvl["id"]: {normalize(n) for n in [*f.names, *f.also]}
                                  for lvl, f in zip(levels, found)})
    tracks = {"ic": "individual contributor"}
    if any(lvl["track"] == "manager" for lvl in levels):
        tracks["manager"] = "manager"
    if all(lvl["track"] == "manager" for lvl in levels):
        for lvl in levels:
            lvl["track"] = "ic"
        tracks = {"ic": "individual contributor"}
    h1 = next((h for _, depth, h in headings(doc.text) if depth == 1), None)
    resolved = path.resolve()
    inside = corpus_dir is not None and resolved.is_relative_to(corpus_dir.resolve())
    document = resolved.relative_to(corpus_dir.resolve()).as_posix() if inside else resolved.as_posix()
    ladder = {"name": doc.title or h1 or _title_of_stem(path.stem), "document": document,
              "tracks": tracks, "levels": levels, "transitions": [], "confusions": []}
    _rank_by_equivalence(ladder, doc.text)
    _close_rank_gaps(levels)
    ladder["transitions"] = _transitions(ladder, [h for _, h in _headings(doc.text)])
    if name:
        ladder["name"] = f"{ladder['name']} ({name})" if name.lower() not in ladder["name"].lower() else ladder["name"]
    return ladder


def _title_of_stem(stem: str) -> str:
    """ "orchard_lane_pm_levels" as "Orchard Lane PM Levels": a word without vowels is an acronym."""
    return " ".join(w.upper() if not re.search(r"[aeiouy]", w, re.I) else w.capitalize()
                    for w in re.split(r"[-_\s]+", stem) if w)


def _close_rank_gaps(levels: list[dict]) -> None:
    """A rank no level holds on any track (a managing level that moved beside its IC peer left it): the
    levels above it move down one, so "two levels above" counts only levels that exist."""
    held = sorted({lvl["rank"] for lvl in levels})
    start = held[0] if held else 1
    for lvl in levels:
        lvl["rank"] = start + held.index(lvl["rank"])


def _under_headings(text: str) -> dict[str, str]:
    """Each heading's own text, up to the next heading."""
    lines = text.splitlines()
    marks = sorted((line, heading) for line, _, heading in headings(text))
    return {heading: "\n".join(lines[line + 1:marks[i + 1][0] if i + 1 < len(marks) else len(lines)])
            for i, (line, heading) in enumerate(marks)}


def _manages_people(text: str, found: list[_Found]) -> dict[str, bool | None]:
    """Per level heading: True where its own text says it manages people ("Manages people: yes, 3-7 direct
    reports", "Direct reports: 4"), False where it says not, None where it says neither."""
    own = _under_headings(text)
    out: dict[str, bool | None] = {f.section: _says_it_manages(own[f.section]) for f in found if f.section in own}
    for f in found:
        if f.fields and out.get(f.section) is None:
            out[f.section] = _says_it_manages(f.fields)
    return out


def _says_it_manages(own: str) -> bool | None:
    """What a level's own fields say: its track ("Track: People manager") or whether it has reports."""
    if (m := _TRACK_FIELD.search(own)) is not None:  # any track but a managing one is no manager's
        # IC words first: "IC (no people management)"
        return not _IC_VALUE.search(m.group(1)) and bool(_MANAGING_CONTAINER.search(m.group(1)))
    if (m := _MANAGES_FIELD.search(own)) is not None:
        return not re.match(r"\W*(?:no|none|0|n/a)\b", m.group(1), re.I)
    return None


_MANAGES_FIELD = re.compile(r"^\W*(?:manages(?:\s+people)?|people\s+manager|people\s+managed|direct\s+reports"
                            r"|span\s+of\s+control)\W*:"
                            r"\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_TRACK_FIELD = re.compile(r"^\W*(?:track|path|ladder|career\s+track)\W*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_IC_VALUE = re.compile(r"\bindividual\b|\bcontributor\b|^\W*IC\b", re.IGNORECASE)


def _unique(ident: str, used: set[str]) -> str:
    base, n = ident, 2
    while ident in used:
        ident, n = f"{base}-{n}", n + 1
    used.add(ident)
    return ident


def _aliases(names: list[str]) -> list[str]:
    """The document's labels plus the usual short forms: "Senior Product Manager" <-> "Senior PM", "Sr" forms."""
    out = []
    for n in names:
        forms = {n, re.sub(r"(?i)product\s+manager", "PM", n)}
        if not is_code_like(n):  # "PM-IV" is a code, not a title to spell out
            forms.add(re.sub(r"(?i)\bPM\b", "Product Manager", n))
        # "Director of Product" is "Director" in speech, as is "VP, Product" "VP".
        if bare := _OF_PRODUCT.match(n):
            forms.add(bare.group(1))
        if initial := _ONE_WORD_PM.match(n):  # "Group Product Manager" is said "GPM", "Associate PM" "APM"
            forms.add(f"{initial.group(1)[0].upper()}PM")
        if code := _CODE_FORMS.match(n):  # "Grade GS-14" is also "GS-14", "GS14", "GS 14"; "PM-IV" "PM IV"
            letters, number = code.group(1).upper(), code.group(2).upper()
            joined = {f"{letters}{number}"} if number.isdigit() else set()  # "PM" + "I" reads "PMI", a word
            forms |= {f"{letters}-{number}"} | joined | ({f"{letters} {number}"} if len(letters) > 1 else set())
            if word := _CODE_LETTER_WORDS.get(letters):  # "B4" is said "Band 4", "G3" "Grade 3"
                forms.add(f"{word} {number}")
        # "Product Manager II" is said "PM 2" and "PM2" as often; "Product Manager 2" is said "PM II".
        for f in set(forms):
            if numeral := _NUMERAL_END.search(f):
                word, value = numeral.group(1), numeral.group(2).upper()
                other = str(_ROMAN.index(value) + 1) if value in _ROMAN else _ROMAN[int(value) - 1]
                arabic = other if other.isdigit() else value
                forms |= {f"{word} {other}"} | ({f"{word}{arabic}"} if word.upper() == "PM" else set())
        forms |= {re.sub(r"(?i)^senior\b", s, f) for f in set(forms) for s in ("Sr", "Sr.")}
        out.extend(sorted(forms, key=lambda x: (x != n, x)))
    # A bare "Senior" or "Staff" is an adjective in most sentences: as an alias it would misfire.
    return [a for a in dict.fromkeys(out) if not _ADJECTIVE.match(a)]


_CODE_LETTER_WORDS = {"B": "Band", "G": "Grade", "L": "Level", "T": "Tier"}
_ONE_WORD_PM = re.compile(r"^([A-Za-z]+)\s+(?:Product\s+Manager|PM)$", re.I)
_OF_PRODUCT = re.compile(r"^((?:Senior\s+)?(?:Director|VP|Vice\s+President))(?:\s+of|,)?\s+Product(?:\s+Management)?$", re.I)
_ROMAN = ("I", "II", "III", "IV", "V", "VI")
_NUMERAL_END = re.compile(r"^(.*?\b(?:PM|Manager|Management|Product\s+Manager))\s+(I{1,3}|IV|VI?|[1-6])$", re.IGNORECASE)
_CODE_FORMS = re.compile(rf"^(?:grade\s+)?([a-z]{{1,3}})\s?-?(\d{{1,2}}|{ROMAN})$", re.IGNORECASE)
_ADJECTIVE = re.compile(r"^(senior|sr\.?|junior|jr\.?|associate|staff|lead|group|entry[- ]level|mid[- ]level)$",
                        re.IGNORECASE)


def _rank_by_shared_numbers(levels: list[dict]) -> None:
    """Two tracks numbered on one scale ("P4" beside "M4", "L6-IC" beside "L6-M"): a level's number is its
    rank, so the manager track starts beside the IC level of its number. A managing track that numbers
    from its own start ("M1" beside "P1") keeps the document's order."""
    numbers = {}
    for lvl in levels:
        number = next((n for a in lvl["aliases"] if (n := code_number(a)) is not None), None)
        if number is None:
            return
        numbers[lvl["id"]] = number
    by_track: dict[str, list[int]] = {}
    for lvl in levels:
        by_track.setdefault(lvl["track"], []).append(numbers[lvl["id"]])
    if set(by_track) != {"ic", "manager"} or min(by_track["manager"]) <= min(by_track["ic"]) or any(
            b <= a for seq in by_track.values() for a, b in zip(seq, seq[1:])):
        return
    for lvl in levels:
        lvl["rank"] = numbers[lvl["id"]]


def _rank_by_shared_bands(levels: list[dict]) -> None:
    """A band both tracks carry ("Band C" of Wayfinder and of Group PM) makes its levels equally senior."""
    ic_rank = {normalize(a): lvl["rank"] for lvl in levels if lvl["track"] == "ic" for a in lvl["aliases"] if _is_code(a)}
    _rank_managers_beside(levels, {lvl["id"]: ic_rank[normalize(a)] for lvl in levels if lvl["track"] == "manager"
                                   for a in lvl["aliases"] if _is_code(a) and normalize(a) in ic_rank})


_BAND_FIELD = re.compile(r"^\s*(?:pay\s+|salary\s+)?(?:band|grade|tier)\s*:\s*(\S.{0,20}?)\s*$", re.I | re.M)


def _band_field(fields: str) -> str:
    """The band a level's own table row gives it ("Band: E"), or ""."""
    m = _BAND_FIELD.search(fields)
    return f"band {normalize(m.group(1))}" if m else ""


def _rank_by_shared_rows(levels: list[dict], rows: dict[str, str]) -> None:
    """A table row holding a level of each track ("4 | P4 Staff PM | M1 Group PM") makes them equally senior."""
    ic_rank = {rows[lvl["id"]]: lvl["rank"] for lvl in levels if lvl["track"] == "ic" and lvl["id"] in rows}
    _rank_managers_beside(levels, {lvl["id"]: ic_rank[rows[lvl["id"]]] for lvl in levels if lvl["track"] == "manager"
                                   and rows.get(lvl["id"]) in ic_rank})


# "PGM1 is equivalent in seniority to PG5", "sits at the same level as IC5": two levels equally senior
_SAME_SENIORITY = re.compile(r"\b(?:equivalent|equal|comparable)\s+(?:in\s+(?:seniority|level|rank|grade)\s+)?(?:to|with)\b"
                             r"|\bsame\s+(?:level|seniority|rank|band|grade)\s+as\b"
                             r"|\bpeers?\s+(?:of|to|with)\b|\bon\s+(?:a\s+)?par\s+with\b", re.IGNORECASE)


# A document's word on how its tracks line up: "QF-P4 is a peer of QF-M2", "A PM-IV and a PL-IV are the same
# level", "both Band 8, so a move between them is sideways".
LINES_UP = re.compile(rf"{_SAME_SENIORITY.pattern}|\b(?:same|equal)\s+(?:level|seniority|rank|band|grade|standing)\b"
                      r"|\bboth\s+(?:at\s+)?(?:band|level|grade|tier)\b|\bsideways\b", re.IGNORECASE)
# "Is going from L5 to M5 a promotion?", "if I switch to Group PM…": a move between the levels asked about …
MOVE_ASKED = re.compile(r"\bpromot\w*|\bswitch\w*|\bmov(?:e|es|ing)\b|\bgo(?:es|ing)?\s+from\b|\blateral\b"
                        r"|\bsideways\b|\btransfer\w*|\bstep\s+(?:up|down)\b|\bdemot\w*", re.I)
# … and the document's rule for such a move: "a lateral move, not a promotion", "keeps your grade"
MOVE_RULE = re.compile(r"\blateral\b|\bsideways\b|\bnot\s+a\s+promotion\b|\btransfer\b"
                       r"|\b(?:keeps?|keeping|retains?)\s+(?:your|their|the\s+same|the)\s+(?:level|grade|band|pay)\b", re.I)


def _rank_by_equivalence(ladder: dict, text: str) -> None:
    """The document's own word that a managing level is as senior as an IC level ranks it beside that one."""
    fw = validate_ladder(ladder, ladder["name"])
    pinned: dict[str, int] = {}
    # "QF-P3 is a peer of QF-M1, and QF-P4 is a peer of QF-M2": each clause pairs two levels.
    for sentence in re.split(r"(?<=[.;!?])\s+|\n|,\s+(?:and|while|but|whereas)\s+", text):
        if not (m := _SAME_SENIORITY.search(sentence)):
            continue
        before = {x.level.id: x.level for x in fw.find_levels(sentence[:m.start()])}
        after = {x.level.id: x.level for x in fw.find_levels(sentence[m.end():])}
        if len(before) == 1 and len(after) == 1:
            (a,), (b,) = before.values(), after.values()
            manager, ic = (a, b) if a.track == "manager" else (b, a)
            if manager.track == "manager" and ic.track == "ic":
                pinned.setdefault(manager.id, ic.rank)
    _rank_managers_beside(ladder["levels"], pinned)


def _rank_managers_beside(levels: list[dict], pinned: dict[str, int]) -> None:
    """Managing levels at the ranks ``pinned`` gives some of them, each level after one of those one higher;
    left as they are where that would put a level at or below the one before it."""
    ranks, rank = [], None
    for lvl in (lvl for lvl in levels if lvl["track"] == "manager"):
        rank = pinned.get(lvl["id"], rank + 1 if rank is not None else None)
        ranks.append(rank)
    if not pinned or None in ranks or any(b <= a for a, b in zip(ranks, ranks[1:])):
        return
    for lvl, rank in zip((lvl for lvl in levels if lvl["track"] == "manager"), ranks):
        lvl["rank"] = rank


def _drop_shared_aliases(levels: list[dict], given: dict[str, set[str]]) -> None:
    """An alias two levels would share names neither: the framework refuses ambiguous names."""
    owners: dict[str, set[str]] = {}
    for lvl in levels:
        for a in [lvl["name"], lvl["id"], *lvl["aliases"]]:
            owners.setdefault(normalize(a), set()).add(lvl["id"])
    for lvl in levels:
        # one level the document itself gives the name ("(internally 'SPM')") keeps it from a made-up short form
        lvl["aliases"] = [a for a in lvl["aliases"] if len(owners[normalize(a)]) == 1
                          or [x for x in owners[normalize(a)] if normalize(a) in given.get(x, set())] == [lvl["id"]]]


def _transitions(ladder: dict, headings: list[str]) -> list[dict]:
    """Each level to the next on its track; the manager track starts from the IC level ranked just below it."""
    fw = validate_ladder(ladder, ladder["name"])  # a draft that cannot be a ladder says why, in one sentence
    steps = []
    for track in fw.tracks:
        chain = fw.track_levels(track)
        steps += list(zip(chain, chain[1:]))
    managers = fw.track_levels("manager") if "manager" in fw.tracks else []
    below = [lvl for lvl in fw.track_levels("ic") if managers and lvl.rank < managers[0].rank]
    if managers and below:
        steps.append((below[-1], managers[0]))
    out = []
    for a, b in steps:
        named = next((h for h in headings if [m.level.id for m in fw.find_levels(h)][:2] == [a.id, b.id]), None)
        out.append({"from": a.id, "to": b.id, "section": named or b.section})
    return out


def ladder_yaml(ladder: dict) -> str:
    return yaml.safe_dump(ladder, sort_keys=False, allow_unicode=True, width=120)


def save_ladder(settings: Settings, name: str, ladder: dict, overwrite: bool = False) -> Path:
    """Validate and write a ladder under the corpus's ladders folder; never replaces one unless asked."""
    if not _NAME.match(name) or name == GENERAL:
        raise InputError(f"'{name}' cannot name a ladder: use lower-case letters, digits and dashes, not '{GENERAL}'.")
    validate_ladder(ladder, name)
    target = ladders_dir(settings) / f"{name}.yaml"
    if target.exists() and not overwrite:
        raise InputError(f"A ladder named '{name}' already exists at {target}; pass --force to replace it.")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".yaml.tmp")
    tmp.write_text(f"# Ladder '{name}', drafted from {ladder.get('document')}; review levels, tracks and aliases.\n"
                   + ladder_yaml(ladder), encoding="utf-8")
    tmp.replace(target)  # whole file or nothing: a crash never leaves half a ladder
    return target


def validate_ladder(ladder: dict, name: str) -> Framework:
    return validated(ladder, f"The ladder '{name}'")


# ---- level to level ------------------------------------------------------------------


@dataclass
class DiffRow:
    competency: str
    a_text: str
    a_chunk_id: str
    b_text: str
    b_chunk_id: str
    source: str
    a_chunk_ids: list[str] = field(default_factory=list)
    b_chunk_ids: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


def level_parts(store, settings: Settings, fw: Framework, level: Level,
                indexed: dict[str, Path]) -> list[tuple[str, str, str, str]]:
    """What the ladder's own document says of one level, in its order: (competency, text, chunk id, source).

    A passage about two levels (a step from one to another) belongs to neither.
    """
    sources = sorted(ladder_sources(settings, fw, indexed))
    if not sources:
        raise InputError(f"The document of the ladder '{fw.name}' ({fw.document}) is not in the index; "
                         f"run: mentor ingest {fw.document}")
    parts = []
    for source in sources:
        records = store.get(store.ids_for_source(source))
        for chunk_id in sorted(records, key=lambda i: _order(records[i][1], i)):
            text, meta = records[chunk_id]
            if {x for x in meta.get("levels", "").split("|") if x} == {level.id}:
                if meta.get("competency") == level.section:  # a heading naming the level in words no pattern
                    meta = {**meta, "competency": ""}  # knows ("Voyager L2 · Band B") is no competency
                parts += [(competency, part, chunk_id, source) for competency, part in _competency_parts(text, meta)]
    return parts


STEP_LABEL_WORDS = 8  # "Senior Product Manager to Lead Product Manager:" and no longer is a label


def step_named(fw: Framework, line: str) -> tuple[str, str] | None:
    """The step a line's label names, as (from, to) level ids ("W2_to_W3: …", "PM-III to PL-IV: …")."""
    label = line.split(":", 1)[0].strip(" -*#•") if ":" in line else ""
    if not label or len(label.split()) > STEP_LABEL_WORDS:
        return None
    named = [m.level.id for m in fw.find_levels(label.replace("_", " "))]
    return (named[0], named[1]) if len(named) >= 2 else None


def names_step(fw: Framework, line: str, a: Level, b: Level, passage: str = "") -> bool:
    """A line labelled with the step ("W2_to_W3: …"), or a sentence that names it in prose: "The usual route
    into management is from L4 Senior PM to M5 Group PM", the one level right after the other, "to" between.
    In a ``passage``, an item labelled with the level gone to ("- For Lead PM: …") under a line labelled with
    the level left ("Senior PM to Band F: choose a route")."""
    if step_named(fw, line) == (a.id, b.id):
        return True
    if passage and ITEM_LABEL.match(line.strip()):  # only such an item is looked for among its passage's lines
        lines = passage.splitlines()
        at = next((i for i, x in enumerate(lines) if line.strip() and line.strip() in x), None)
        if at is not None and _item_step(fw, lines, at) == (a.id, b.id):
            return True
    return (a.id, b.id) in prose_steps(fw, line)


def prose_steps(fw: Framework, line: str) -> set[tuple[str, str]]:
    """The steps a sentence names in prose ("from L4 Senior PM to M5 Group PM"): one level right after the
    other, "to" between, "from" before."""
    named = fw.find_levels(line)
    return {(x.level.id, y.level.id) for x, y in zip(named, named[1:])
            if _STEP_BETWEEN.fullmatch(line[x.end:y.start]) and _STEP_FROM.search(line[:x.start])}


# "- For Lead Product Manager: …", "To PRINCIPAL PM: …": an item whose label is the level it leads to
ITEM_LABEL = re.compile(r"^(?:[-*+•]\s+)?(?:for|to|into)\s+([^:]{2,50}):", re.I)
# "from L4 Senior PM to M5 GPM", "from an APM (P1) to a PM": a move, not "PMs report to a GPM"
_STEP_FROM = re.compile(r"\bfrom\s+(?:an?\s+|the\s+)?(?:[A-Z]{1,3}-?\d{1,2}\s+)?$", re.I)
_STEP_BETWEEN = re.compile(r"\s*(?:\([^()]{1,12}\)\s*)?(?:\bto\s+(?:an?\s+|the\s+)?|→\s*|->\s*)", re.I)


def _item_step(fw: Framework, lines: list[str], at: int) -> tuple[str, str] | None:
    """ "- For Lead PM: …" under "Senior PM to Band F: choose a route": the step from the level the line above
    it names to the one its own label names."""
    item = ITEM_LABEL.match(lines[at].strip())
    goal = [m.level.id for m in fw.find_levels(item.group(1))] if item else []
    if len(goal) != 1:
        return None
    # the line it hangs under: the first above that is not another such item (lists may come flattened)
    parent = next((x for x in reversed(lines[:at]) if x.strip() and not ITEM_LABEL.match(x.strip())), "")
    label = parent.split(":", 1)[0] if ":" in parent else ""
    start = [m.level.id for m in fw.find_levels(label)][:1]
    return (start[0], goal[0]) if start and start[0] != goal[0] else None


def labelled_steps(store, settings: Settings, fw: Framework, indexed: dict[str, Path]) -> dict[tuple[str, str], list[str]]:
    """Passages of the ladder's document by the step a line of theirs is labelled with, or names in prose: a
    company may keep every step's criteria in one block apart from the levels ("promotion › next_level ›
    W2_to_W3", "From M4 to M5, the candidate must …")."""
    steps: dict[tuple[str, str], list[str]] = {}
    for source in sorted(ladder_sources(settings, fw, indexed)):
        for chunk_id, (text, _) in store.get(store.ids_for_source(source)).items():
            lines = text.splitlines()
            named = {s for i, line in enumerate(lines) if (s := step_named(fw, line) or _item_step(fw, lines, i))}
            named |= {s for line in lines for s in prose_steps(fw, line)}  # "From M4 to M5, the candidate …"
            for step in named:
                steps.setdefault(step, []).append(chunk_id)
    return steps


# A section on changing tracks: "Switching tracks", "track_switching", "Changing tracks", "Moving between tracks"
SWITCHING_SECTION = re.compile(r"\bswitch\w*|\bchang\w*\s+(?:of\s+)?tracks?\b|\bmov\w*\s+between\b"
                               r"|\btrack\s+(?:changes?|moves?)\b", re.IGNORECASE)


def switching_chunks(store, settings: Settings, fw: Framework, indexed: dict[str, Path]) -> list[str]:
    """Passages of the ladder's document under a section on changing tracks, in its order."""
    return _ladder_chunks(store, settings, fw, indexed, lambda text, meta: bool(
        SWITCHING_SECTION.search(meta.get("section", "").replace("_", " "))))


def lineup_chunks(store, settings: Settings, fw: Framework, indexed: dict[str, Path]) -> list[str]:
    """Passages of the ladder's document that say which levels of its tracks stand together, in its order."""
    return _ladder_chunks(store, settings, fw, indexed, lambda text, meta: bool(LINES_UP.search(text)))


def _ladder_chunks(store, settings: Settings, fw: Framework, indexed: dict[str, Path], keep) -> list[str]:
    out = []
    for source in sorted(ladder_sources(settings, fw, indexed)):
        records = store.get(store.ids_for_source(source))
        out += [chunk_id for chunk_id in sorted(records, key=lambda i: _order(records[i][1], i))
                if keep(*records[chunk_id])]
    return out


def level_diff(store, settings: Settings, fw: Framework, a: Level, b: Level, indexed: dict[str, Path]) -> list[DiffRow]:
    """What changes from level a to level b, competency by competency, each side with its passages' ids."""
    sides: dict[str, dict[str, list[tuple[str, str, str]]]] = {}
    for side, level in (("a", a), ("b", b)):
        for competency, part, chunk_id, source in level_parts(store, settings, fw, level, indexed):
            sides.setdefault(competency, {"a": [], "b": []})[side].append((chunk_id, part, source))
    rows = []
    for competency, both in sides.items():
        first = (both["a"] or both["b"])[0]
        rows.append(DiffRow(
            competency=competency,
            a_text="\n".join(t for _, t, _ in both["a"]), a_chunk_id=both["a"][0][0] if both["a"] else "",
            b_text="\n".join(t for _, t, _ in both["b"]), b_chunk_id=both["b"][0][0] if both["b"] else "",
            source=first[2], a_chunk_ids=[c for c, _, _ in both["a"]], b_chunk_ids=[c for c, _, _ in both["b"]]))
    return rows


def _competency_parts(text: str, meta: dict) -> list[tuple[str, str]]:
    """A passage's text by competency: its own, else the groups of a flattened list ("- Delivery › ...")."""
    if meta.get("kind") == "table" and len(_ROW_FIELD.findall(text)) >= 2:
        return _row_fields(text)
    if meta.get("competency") or meta.get("kind") == "table":
        return [(meta.get("competency") or "Overall", text)]
    if meta.get("kind") == "front-matter":  # "- Discovery: runs interviews": one competency a line
        fields = [line[2:].partition(": ") for line in text.splitlines()[1:] if line.startswith("- ")]
        # A text field ("summary: ...") introduces the level; a named one keeps its name ("Reports to: X").
        return [("Overall", value) if key.lower() in TEXT_KEYS else (key, f"{key}: {value}")
                for key, sep, value in fields if sep] or [("Overall", text)]
    lines = [line for line in text.splitlines() if line.strip()]
    fields = [_FIELD_ITEM.match(line) for line in lines]
    if sum(f is not None for f in fields) >= max(2, len(lines) - 1):
        # "- Scope: …", "- Reports to: …", "- What we expect: …": a level's fields, one competency each
        return [(f.group(1), line.lstrip("-*+• ").strip()) if f else ("Overall", line) for f, line in zip(fields, lines)]
    heads = {line.lstrip("-*+ ").partition(" › ")[0].strip(" *_") for line in lines if " › " in line}
    groups: dict[str, list[str]] = {}
    for line in lines:
        item = line.lstrip("-*+ ").strip()
        head, sep, rest = item.partition(" › ")
        if sep:
            groups.setdefault(head.strip(" *_"), []).append(f"- {rest.strip()}")
        elif item.strip(" *_:") not in heads:  # a group's own bullet ("- **Delivery**") is its title, not content
            groups.setdefault("Overall", []).append(line)
    return [(k, "\n".join(v)) for k, v in groups.items()]


_FIELD_ITEM = re.compile(r"^\s*[-*+•]\s+\**([A-Z][^:\n]{1,40}?)\**:\s+\S")
# "Scope: Several areas" in a row kept whole (its cells short): one competency a column.
_ROW_FIELD = re.compile(r"^(?:[^\n]{1,80}? — )?([A-Z][^:\n]{0,40}):\s+\S", re.MULTILINE)


def _row_fields(text: str) -> list[tuple[str, str]]:
    """A short table row's cells by column ("Reports to: X"), a cell's further lines with it; the column
    that only names the level ("Title") is left out."""
    fields: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if m := _ROW_FIELD.match(line):
            cell = line[m.start(1):]
            fields.append((m.group(1).strip(), [cell]))
        elif fields and line.strip():
            fields[-1][1].append(line.strip())
    return [(key, "\n".join(lines)) for key, lines in fields if not _PAIRED_COLUMN.fullmatch(key)]


def _order(meta: dict, chunk_id: str) -> tuple:
    return (int(meta.get("order", 0)), chunk_id)


__all__ = ["GENERAL", "DiffRow", "LadderFrameworks", "LadderInfo", "LadderPreference", "NoLevelsFound",
           "detect_levels", "document_matches", "documents_with_ladders", "draft_ladder", "ladder_of_document", "ladder_paths",
           "ladder_preference", "ladder_sources", "ladder_yaml", "ladders_dir", "ladders_fingerprint",
           "level_diff", "level_parts", "list_ladders", "load_ladder", "save_ladder", "validate_ladder"]
