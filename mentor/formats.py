"""Structured parts of ladder documents: pipe tables, HTML tables, YAML front matter, level labels.

Companies write ladders as wide tables (levels × competencies), as tables whose rows are
levels, or as YAML data in front matter. Each cell or leaf group becomes a passage whose
text starts with the headers that give it meaning, so a lone cell still says whose level
and which competency it describes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

HEADER_SEPARATOR = " — "
SHORT_ROW = 350  # a row whose cells together are this short reads best as one passage
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_PIPE_ROW = re.compile(r"^\s*\|.*\|.*$")

# ---- level labels -------------------------------------------------------------
# Numbered forms and titles companies give their levels: "IC3", "Level 4", "L5", "P3",
# "Product Manager II", "Senior PM", "Director of Product", "VP Product".
_CODE = r"(?:Grade\s+)?(?:IC|L|P|M|E|PM|T|G|GS)\s?-?\d{1,2}|(?:Level|Band|Grade|Tier)\s+\d{1,2}|(?:Band|Grade|Tier)\s+[A-H]\b"
_SENIOR = (r"Associate|Junior|Jr\.?|Senior|Sr\.?|Staff|Principal|Lead|Group|Distinguished|Entry[- ]level|"
           r"Mid[- ]level|Director|Senior\s+Director|VP|Vice\s+President|Head|Chief")
_ROLE = r"Product\s+Managers?|PMs?|Product\s+Owners?|Product\s+Leads?|Product\s+Management|Product"
_NUMERAL = r"(?:I{1,3}|IV|V|VI{1,3}|\d{1,2})"
_LABEL = re.compile(
    rf"^(?:{_CODE}"
    rf"|(?:(?:{_SENIOR})\s+)*(?:{_SENIOR})(?:(?:\s+of|\s*,)?\s+(?:{_ROLE}))?(?:\s+{_NUMERAL})?"
    rf"|(?:(?:{_SENIOR})\s+)*(?:{_ROLE})(?:\s+{_NUMERAL})?"
    # "Product Director", "Product Manager Lead", "PM Lead": the job's name before the rank word
    rf"|(?:{_ROLE})\s+(?:Director|Head|VP|Lead)(?:\s+{_NUMERAL})?"
    # "Manager, Product Management", "Senior Manager, Product": a manager of the job, as HR titles write it
    rf"|(?:(?:{_SENIOR})\s+)*Manager\s*,\s*(?:{_ROLE})"
    rf"|Chief\s+Product\s+Officer|CPO|APM|GPM|SPM)$",
    re.IGNORECASE,
)
_CODE_BESIDE_TITLE = re.compile(rf"^({_CODE})\s+(\D.*)$|^(.*\D)\s+({_CODE})$", re.IGNORECASE)
# Roman numerals after a separator ("PM-IV", "PL-VI"): companies number their levels so as often as with digits.
ROMAN = r"(?:IX|IV|VI{0,3}|I{1,3}|X)"
# A company's own prefix before a numbered code ("QF-P3", "ACME-L4"); never before a Roman one, where
# "PM-IV" would read as prefix "PM", letter "I", level V.
_CODE_PREFIX = r"(?:[A-Z]{2,4}-(?=[A-Za-z]{1,3}\s?-?\d))?"
_CODE_BODY = rf"{_CODE_PREFIX}[A-Za-z]{{1,3}}(?:\s?-?\d{{1,2}}|\s?-\s?{ROMAN}(?![A-Za-z]))"
_ANY_CODE_BESIDE_TITLE = re.compile(rf"^({_CODE_BODY})\s+(\D.*)$|^(.*\D)\s+({_CODE_BODY})$")
_RANK_TITLE = re.compile(r"^(?:[A-Z][\w&-]*\s+){1,3}(?:Lead|Manager|Director|Head|Owner|Officer|President)$"
                         r"|^(?:Head|Director|VP)\s+of\s+[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,2}$")
# What separates a level's names in a header: dashes, middle dots, bars, brackets, "/" ("IC4 · Senior PM").
_PARTS = re.compile(r"\s+[-–—·•|»]\s+|[():;,\[\]]|\s+/\s+")
# Words that name the job or a group of people, not a level, when they stand alone.
_NOT_ALONE = re.compile(r"^(?:Product|Head|Chief|Lead|Group|Management|Product\s+Management|Product\s+Managers|PMs|"
                        r"Product\s+Owners|Product\s+Leads)$", re.IGNORECASE)


# Emoji and symbols that decorate a heading ("🟢 Associate PM", "▸ Senior PM ✨"): no part of its name
_DECORATION = re.compile(r"^[^\w(\[]+|[^\w)\].]+$")


def _clean(text: str) -> str:
    text = _TAGS.sub(" ", text.replace("*", "").replace("`", "").replace("_", " "))
    return _DECORATION.sub("", " ".join(text.split()).strip(" .:")).strip(" .:")


# "Slide 4: Senior PM", "Section 3 — Staff PM", "2.1 Senior PM": where in the document, not the level's name
_DOCUMENT_PART = re.compile(r"^(?:(?:slide|section|part|chapter|page|tab|sheet|appendix)\s+[\w.]{1,4}\s*[:.—–-]\s*"
                            r"|\d{1,2}(?:\.\d{1,2})+\.?\s+|\d{1,2}[.)]\s+)", re.IGNORECASE)
_DESCRIBED = re.compile(r"\s*\((?=[a-z])[^()]*\)\s*$")
_LEVEL_WORD_BEFORE_CODE = re.compile(r"^(?:level|grade|band|tier)\s+(?=[a-z]{1,3}-?\d{1,2}\b\s*\S)", re.IGNORECASE)


def level_label_parts(text: str) -> list[str]:
    """The level names a short header consists of ("Senior PM (IC4)" -> both), or [] if it is no level."""
    # "Level P5 — Principal PM": the code is "P5" ("Grade G7" alone stays)
    text = _LEVEL_WORD_BEFORE_CODE.sub("", _DOCUMENT_PART.sub("", _clean(text)))
    text = _DESCRIBED.sub("", text)  # "L4 Lead Product Manager (player-coach)": a word on the level, not a name
    if not text or len(text.split()) > 8 or "→" in text:
        return []
    if _LABEL.match(text) and not _NOT_ALONE.match(text):  # one title, its comma its own ("VP, Product")
        return [text]
    parts: list[str] = []
    for part in (p.strip(" .") for p in _PARTS.split(text) if p and p.strip(" .")):
        if parts and _NOT_ALONE.match(part) and _LABEL.match(f"{parts[-1]}, {part}"):
            parts[-1] = f"{parts[-1]}, {part}"  # "M3 — Vice President, Product": the title keeps its comma
        else:
            parts.append(part)
    if len(parts) > 1:  # "Group Product Manager M1 · Band C": a title and its code run together, then a band
        parts = [x for part in parts for x in (code_beside_title(part, _known_title) or [part])]
    # A company's own code ("PD2: Product Manager") counts beside a title, never alone; beside a code, a
    # title the patterns do not know counts by its rank word ("C4 — Crew Lead", "M6 — Head of Product Area").
    # "Lead Product Manager (LPM, M1)": a title's initials beside it are its short name
    named_by_initials = [p for p in parts if _initials_of_another(p, parts)]
    parts = [p for p in parts if p not in named_by_initials]
    coded = any(is_code_like(p) for p in parts)
    titled = any((_LABEL.match(p) or (coded and _RANK_TITLE.match(p))) and not is_code_like(p)
                 and not _NOT_ALONE.match(p) for p in parts)
    if parts and all(_LABEL.match(p) or (titled and (is_code_like(p) or _RANK_TITLE.match(p))) for p in parts) \
            and not all(_NOT_ALONE.match(p) for p in parts):
        # "Product" beside a title is no name of its own
        return [p for p in parts if not _NOT_ALONE.match(p)] + named_by_initials
    # "PM3 Senior Product Manager", "Senior PM IC4", "PD1 Associate PM": a code and a title, a space between
    if len(parts) == 1 and (pair := code_beside_title(parts[0], _known_title)):
        return pair[::-1]
    return []


def _initials_of_another(part: str, parts: list[str]) -> bool:
    """"LPM" beside "Lead Product Manager", "DPM" beside "Director of Product Management"."""
    if not (part.isalpha() and part.isupper() and 2 <= len(part) <= 5):
        return False
    return any(part == "".join(w[0] for w in other.split() if w.lower() not in ("of", "and", "the")).upper()
               for other in parts if other is not part and len(other.split()) >= 2)


def _known_title(title: str) -> bool:
    return bool(_LABEL.match(title)) and not _NOT_ALONE.match(title)


def code_beside_title(text: str, is_title) -> list[str] | None:
    """[title, code] of a title and a code written side by side ("Senior PM IC4", "L2 Voyager"), when
    ``is_title`` accepts the title; else None."""
    m = _CODE_BESIDE_TITLE.match(text) or _ANY_CODE_BESIDE_TITLE.match(text)
    if m is None:
        return None
    code, title = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
    return [title.strip(), code] if is_title(title.strip()) else None


def code_family(code: str) -> str:
    """A code's letters ("L" of "L3", "Band" of "Band C"): the codes one ladder numbers its levels with."""
    return re.sub(r"[\s\-\d]+$|\s+[A-H]$", "", _clean(code)).lower()


def titles_by_code(text: str, families: set[str]) -> list[str]:
    """The names of a header whose title no pattern knows but whose code numbers the ladder's other levels
    ("Voyager L2 · Band B" beside "Associate Product Manager L1 · Band A"): [title, code, …], or []."""
    text = _clean(text)
    if not text or len(text.split()) > 8:
        return []
    parts = [p.strip(" .") for p in _PARTS.split(text) if p and p.strip(" .")]
    named = [x for part in parts for x in (code_beside_title(part, _INVENTED_TITLE.fullmatch) or [part])]
    codes = [x for x in named if is_code_like(x) or is_level_code(x)]
    titles = [x for x in named if x not in codes]
    if len(titles) != 1 or not _INVENTED_TITLE.fullmatch(titles[0]) \
            or not any(code_family(c) in families for c in codes):
        return []
    return [titles[0], *codes]


# A title of a company's own words: one to three capitalised words ("Voyager", "Crew Captain")
_INVENTED_TITLE = re.compile(r"[A-Z][\w&'-]*(?:\s+(?:of\s+)?[A-Z][\w&'-]*){0,2}")


def is_level_code(text: str) -> bool:
    """A numbered form ("IC3", "L5", "Level 4", "GS-14"), as against a title."""
    return re.fullmatch(_CODE, _clean(text), re.IGNORECASE) is not None


def is_level_label(text: str) -> bool:
    return bool(level_label_parts(text))


# ---- structured passages -----------------------------------------------------


@dataclass
class Block:
    """One structured passage before it gets an id: its section path, text and what it describes."""

    path: list[str]
    text: str
    doc_levels: list[str] = field(default_factory=list)
    competency: str = ""
    kind: str = "table"
    row_header: str = ""
    column_header: str = ""


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    lines: tuple[int, int]  # [start, end) in the text it came from
    headings: list[str] = field(default_factory=list)  # h1..h5 above it, outermost first
    depths: list[int] = field(default_factory=list)  # each heading's depth (1 for "#")


_MD = MarkdownIt("commonmark").enable("table")


def find_tables(text: str) -> tuple[list[Table], list[int]]:
    """Pipe tables in Markdown text, and the 1-based lines of pipe rows that form no valid table."""
    tables: list[Table] = []
    tokens = _MD.parse(text)
    row: list[str] = []
    current: Table | None = None
    headings: list[tuple[int, str]] = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and int(tok.tag[1]) <= 5:
            depth = int(tok.tag[1])
            headings = [h for h in headings if h[0] < depth] + [(depth, tokens[i + 1].content.strip())]
        elif tok.type == "table_open":
            current = Table([], [], tuple(tok.map), [h for _, h in headings],  # type: ignore[arg-type]
                            [d for d, _ in headings])
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "inline" and current is not None and tok.level >= 4:
            row.append(cell_text(tok.content))
        elif tok.type == "tr_close" and current is not None:
            if not current.header:
                current.header = row
            else:
                current.rows.append(row)
        elif tok.type == "table_close" and current is not None:
            tables.append(_level_column_first(_long_as_wide(current)))
            current = None
    in_table = {i for t in tables for i in range(*t.lines)}
    lines = text.splitlines()
    loose = [i + 1 for i, line in enumerate(lines) if _PIPE_ROW.match(line) and i not in in_table
             and line.count("|") >= 3]
    return tables, loose


TITLE_COLUMN = re.compile(r"^(?:job\s+)?(?:title|role|position)$", re.IGNORECASE)


def _long_as_wide(table: Table) -> Table:
    """A long export states one fact per row ("Band 7 | IC | Lead PO | Scope | A product line"): the columns
    before the fact's name say whose fact it is. Pivoted to one row per owner and a column per fact, each row
    reads as one level's, as in a wide table. The name column is the first whose names recur across owners
    while each owner states each fact about once."""
    header, rows = table.header, [r + [""] * (len(table.header) - len(r)) for r in table.rows]
    if len(header) < 3 or len(rows) < 6:
        return table
    for name_at in range(1, len(header) - 1):
        owners: dict[tuple[str, ...], list[list[str]]] = {}
        for r in rows:
            owners.setdefault(tuple(c.strip() for c in r[:name_at]), []).append(r)
        said_once = sum(len({r[name_at].strip() for r in group}) for group in owners.values())
        recurring = [n for n in {r[name_at].strip() for r in rows}
                     if sum(any(r[name_at].strip() == n for r in group) for group in owners.values()) >= 2]
        if len(owners) * 3 <= len(rows) and said_once >= 0.8 * len(rows) and len(recurring) >= 2:
            break
    else:
        return table
    facts = list(dict.fromkeys(r[name_at].strip() for r in rows if r[name_at].strip()))
    code_at = next((i for i in range(name_at) if _CODE_COLUMN.match(_clean(header[i]))), None)
    title_at = next((i for i in range(name_at) if TITLE_COLUMN.match(_clean(header[i]))), None)
    wide = []
    for owner, group in owners.items():
        cells = list(owner)
        if code_at is not None and title_at is not None and owner[title_at] \
                and (is_code_like(owner[code_at]) or is_level_code(owner[code_at])):
            cells[code_at] = f"{owner[code_at]}{HEADER_SEPARATOR}{owner[title_at]}"  # two titles may share a band
        values = {f: "\n".join("; ".join(c.strip() for c in r[name_at + 1:] if c.strip())
                              for r in group if r[name_at].strip() == f) for f in facts}
        wide.append([*cells, *(values[f] for f in facts)])
    return Table([*header[:name_at], *facts], wide, table.lines, table.headings, table.depths)


def _level_column_first(table: Table) -> Table:
    """A table whose levels sit in a later column ("Track | Level | Title | …"): that column moved first, so
    each row reads as one level's, whatever order the sheet's author chose."""
    header = table.header
    if len(header) < 3 or not table.rows or sum(is_level_label(h) for h in header[1:]) >= 2:
        return table

    def holds_levels(i: int) -> bool:
        cells = [r[i].strip() for r in table.rows if i < len(r) and r[i].strip()]
        if not cells:
            return False
        most = max(1, 2 * len(cells) // 3)
        return (sum(map(is_code_like, cells)) >= most and bool(_CODE_COLUMN.match(_clean(header[i])))) or \
            sum(map(is_level_label, cells)) >= most

    if holds_levels(0):
        return table
    column = next((i for i in range(1, len(header)) if _LEVEL_HEADER.search(_clean(header[i])) and holds_levels(i)), None)
    if column is None:
        return table
    order = [column, *(i for i in range(len(header)) if i != column)]

    def reorder(row: list[str]) -> list[str]:
        return [row[i] if i < len(row) else "" for i in order]
    return Table(reorder(header), [reorder(r) for r in table.rows], table.lines, table.headings, table.depths)


_LEVEL_HEADER = re.compile(r"\b(?:level|grade|band|code|tier|title|role|position)s?\b", re.IGNORECASE)


def headings(text: str) -> list[tuple[int, int, str]]:
    """(line, depth, text) of each Markdown heading, as a Markdown reader sees them (not inside code)."""
    tokens = _MD.parse(text)
    return [(tok.map[0], int(tok.tag[1]), tokens[i + 1].content.strip())
            for i, tok in enumerate(tokens) if tok.type == "heading_open" and tok.map]


def setext_as_atx(text: str) -> str:
    """Headings underlined with "====" or "----" (as text pasted from a word processor writes them) as "#"
    headings, which the chunker splits on. The underline becomes a blank line, so line numbers hold."""
    lines = text.splitlines()
    tokens = _MD.parse(text)
    rule_ends = {tok.map[1] for tok in tokens if tok.type == "hr" and tok.map}
    for tok, inline in zip(tokens, tokens[1:]):
        if tok.type == "heading_open" and tok.markup in ("=", "-") and tok.map:
            start, end = tok.map
            # a title boxed between two rules ("----" / "TRACK" / "----") heads a part of the document: the top
            depth = 1 if start in rule_ends else int(tok.tag[1])
            lines[start:end] = [f"{'#' * depth} {inline.content.strip()}", *[""] * (end - start - 1)]
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def title_depth(text: str) -> int | None:
    """The depth of the heading that titles the whole document: its outermost heading, when no other heading
    shares that depth. Many handbook pages have no "#" title and several "##" sections, each its own topic."""
    depths = [depth for _, depth, _ in headings(text) if depth <= 5]
    top = min(depths, default=None)
    return top if top is not None and depths.count(top) == 1 else None


def under_title(names: list[str], depths: list[int], title: int | None) -> list[str]:
    """Headings without the document's title, which frames every section and tells none apart."""
    return names[1:] if names and depths and depths[0] == title else names


def cell_text(raw: str) -> str:
    """A cell's text: `<br>` is a line break, other inline HTML and emphasis marks go."""
    text = _BR.sub("\n", raw)
    text = _TAGS.sub("", text).replace("**", "").replace("__", "")
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def without_lines(text: str, ranges: list[tuple[int, int]]) -> str:
    drop = {i for start, end in ranges for i in range(start, end)}
    return "\n".join(line for i, line in enumerate(text.splitlines()) if i not in drop)


# A column header that only says "what is in the cell"
_GENERIC_COLUMN = re.compile(r"^(?:values?|details?|descriptions?|info(?:rmation)?|notes?|answers?|contents?|text|"
                             r"definitions?|specifics?)$", re.IGNORECASE)


def table_blocks(table: Table, path: list[str]) -> list[Block]:
    """Cells (or short rows) of a table, each text starting with its row and column headers.

    Which axis holds the levels is read from the headers: level names across the top
    (levels × competencies) or down the first column (one row per level).
    """
    header = table.header
    if len(header) < 2 or not table.rows:
        return []
    if all(is_level_label(h) for h in header):
        return _level_columns_only(table, path)
    columns_are_levels = sum(is_level_label(h) for h in header[1:]) >= max(1, (len(header) - 1) // 2)
    coded = not columns_are_levels and codes_down_first_column(table)
    levels_down = not columns_are_levels and (coded or any(is_level_label(r[0]) for r in table.rows if r))
    blocks: list[Block] = []
    for row in _rows_by_first_cell(table.rows):
        if not row or not row[0].strip():
            continue
        row_header = row[0].replace("\n", " ")
        # Down a column of codes, a row without one ("Promotion process" at the sheet's foot) is no level's.
        rows_are_levels = levels_down and (not coded or is_code_like(row_header) or is_level_label(row_header))
        cells = [(header[i].replace("\n", " ") or f"column {i + 1}", row[i]) for i in range(1, min(len(row), len(header)))
                 if row[i].strip() and row[i].strip() not in ("-", "–", "—", "n/a", "N/A")]
        if not cells:
            continue
        if not columns_are_levels and sum(len(c) for _, c in cells) <= SHORT_ROW:
            body = "\n".join(f"{col}: {text}" for col, text in cells)
            levels = [row_header] if rows_are_levels else []
            competency = (path[-1] if path else "") if rows_are_levels else row_header
            # "Field | Value" tables: "Reports to: A Group PM", the word "Value" names nothing
            said = f"{row_header}: {cells[0][1]}" if len(cells) == 1 and _GENERIC_COLUMN.match(cells[0][0]) \
                else f"{row_header}{HEADER_SEPARATOR}{body}"
            blocks.append(Block([*path, row_header], said, levels, competency, row_header=row_header))
            continue
        for col, text in cells:
            if columns_are_levels:
                level, competency = col, row_header
            else:
                # Neither axis names levels: the row says what the cell is about ("Agile Working").
                level, competency = (row_header, col) if rows_are_levels else ("", row_header)
            lead = f"{level}{HEADER_SEPARATOR}{competency}" if level else f"{row_header}{HEADER_SEPARATOR}{col}"
            blocks.append(Block([*path, row_header, col], f"{lead}: {text}", [level] if level else [],
                                competency, row_header=row_header, column_header=col))
    return blocks


def codes_down_first_column(table: Table) -> bool:
    """A first column headed "Level" / "Grade" / "Code" whose every cell is a short code ("S1", "B-3"): the
    company's own level codes, whatever their letters."""
    cells = [r[0].strip() for r in table.rows if r and r[0].strip()]
    # most, not all: a sheet may hold a stray row ("TBD", a footnote marker)
    return (bool(cells) and bool(_CODE_COLUMN.match(_clean(table.header[0])))
            and sum(map(is_code_like, cells)) >= max(1, 2 * len(cells) // 3))


def is_code_like(text: str) -> bool:
    """A short letters-and-number code of a company's own ("S1", "B-3", "B6-IC", "L5a")."""
    return _ANY_CODE.match(text.strip()) is not None


_CODE_COLUMN = re.compile(r"^(?:(?:job\s+|level\s+)?(?:level|grade|band|code|tier)s?)$", re.IGNORECASE)
_ANY_CODE = re.compile(rf"^{_CODE_BODY}(?:\s?[-/.]?\s?[A-Za-z]{{1,3}})?$")
_CODE_NUMBER = re.compile(rf"^{_CODE_PREFIX}[A-Za-z]{{1,3}}\s?-?\s?(\d{{1,2}}|{ROMAN}(?![A-Za-z]))")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


def code_number(code: str) -> int | None:
    """The number a code ranks by: "P4" 4, "L6-IC" 6, "PM-IV" 4, "Band 7" 7."""
    code = _clean(code)
    if is_level_code(code) and (number := re.search(r"\d{1,2}$", code)):
        return int(number.group())
    if not is_code_like(code) or not (m := _CODE_NUMBER.match(code)):
        return None
    if m.group(1).isdigit():
        return int(m.group(1))
    values = [_ROMAN_VALUES[c] for c in m.group(1)]
    return sum(-v if nxt > v else v for v, nxt in zip(values, values[1:] + [0]))


def _rows_by_first_cell(rows: list[list[str]]) -> list[list[str]]:
    """A long table repeats its first cell on every row of a group ("Agile Working | Set a sprint goal",
    "Agile Working | Ran a show & tell"): one row per group, its cells' lines joined, so the group is one passage."""
    groups: dict[str, list[list[str]]] = {}
    for row in rows:
        key = " ".join(row[0].split()).lower() if row else ""
        groups.setdefault(key or f"#{len(groups)}", []).append(row)
    if len(groups) == len(rows):
        return rows
    merged = []
    for members in groups.values():
        width = max(len(r) for r in members)
        merged.append([members[0][0], *("\n".join(r[i].strip() for r in members if i < len(r) and r[i].strip())
                                        for i in range(1, width))])
    return merged


def _level_columns_only(table: Table, path: list[str]) -> list[Block]:
    """A table whose every column is a level and whose rows have no header: rows compare the levels."""
    base = path[-1] if path else "Table"
    blocks = []
    for n, row in enumerate(table.rows, start=1):
        competency = f"{base}, row {n}"
        for level, text in zip(table.header, row):
            if text.strip():
                blocks.append(Block([*path, f"row {n}", level], f"{level}{HEADER_SEPARATOR}{competency}: {text}",
                                    [level], competency, column_header=level))
    return blocks


# ---- level markers that are not headings ----------------------------------------------

_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?P<label>[^*_]+?)\1\s*:?\s*$")
_HEADING = re.compile(r"^(#{1,6})\s")


# "**Can I skip a level?**" on a line of its own: an FAQ's question heads its answer; it is no sentence to quote.
_FAQ_QUESTION = re.compile(r"^\s*(\*\*|__)(?P<question>[^*_\n]{3,200}\?)\1\s*$")


def promote_level_markers(text: str) -> str:
    """A bold line or a top-level list item that is only a level name ("**IC3**", "- Senior PM:"
    with nested items), or a bold question, is a heading in all but syntax: made one, so what follows keeps
    its level."""
    lines = text.splitlines()
    out, depth, fenced = [], 1, False
    section, in_bullets = None, False  # the heading over a list of levels, and whether one was just promoted
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        heading = None if fenced else _HEADING.match(line)
        if heading:
            depth, section, in_bullets = len(heading.group(1)), line, False
        # "- **M5 Group Product Manager** — Manages 3–6 PMs.": a level described in one bullet is its own section
        bullet = None if fenced or heading else _LEVEL_BULLET.match(line)
        if bullet and _code_and_title(bullet.group("label")):
            out += [f"{'#' * min(depth + 1, 5)} {bullet.group('label').strip()}", bullet.group("rest")]
            in_bullets = True
            continue
        if in_bullets and line.strip() and section:
            out += ["", section]  # what follows the list is the list's section again, not its last level's
            in_bullets = False
        if not fenced and not heading and (question := _FAQ_QUESTION.match(line)):
            out.append(f"{'#' * min(depth + 1, 5)} {question.group('question').strip()}")  # an FAQ's question
            continue
        label = None if fenced or heading else _marker_label(line, lines[i + 1:i + 2], lines[max(i - 1, 0):i])
        if label:
            out.append(f"{'#' * min(depth + 1, 5)} {label}")
            continue
        out.append(line)
    return "\n".join(_dedent_promoted(out))


# The mark after the name, or inside the bold with it ("- **L3 Product Manager:** Writes …").
_LEVEL_BULLET = re.compile(r"^[-*+]\s+(\*\*|__)(?P<label>[^*_]{2,60}?)(?:\1\s*(?:[—–:|]|-\s)|\s*[:—–]\s*\1)\s*"
                           r"(?P<rest>\S.*)$")


def _code_and_title(label: str) -> bool:
    """A level's code and its title together ("M5 Group Product Manager"): a glossary's bold term is neither."""
    parts = level_label_parts(label)
    return any(is_code_like(p) or is_level_code(p) for p in parts) and any(
        not (is_code_like(p) or is_level_code(p)) for p in parts)


def _marker_label(line: str, following: list[str], preceding: list[str] = ()) -> str | None:
    bold = _BOLD_LINE.match(line)
    if bold and is_level_label(bold.group("label")):
        return bold.group("label").strip()
    # Plain text's headings: a level's name on a line of its own ("LEVEL 2 — PRODUCT MANAGER", "Grade 5: GPM").
    # Alone on its line after a blank one, with a blank line or a list under it ("Level 1: PM I" then "- Owns …").
    under = not any(x.strip() for x in following) or bool(following and _ITEM.match(following[0]))
    alone = line.strip() and not line[:1].isspace() and not any(x.strip() for x in preceding) and under
    if alone and not _ITEM.match(line) and is_level_label(line):
        label = line.strip().rstrip(":").strip()
        if not label.isupper():
            return label
        return as_title(label)  # "HEAD OF PRODUCT" is "Head of Product"
    item = _ITEM.match(line)
    if item and not item.group(1) and following and _ITEM.match(following[0]) and _ITEM.match(following[0]).group(1):
        label = _clean(item.group(3))
        if is_level_label(label):
            return label
    return None


def as_title(name: str) -> str:
    """A title a document shouts ("SENIOR PRODUCT MANAGER") as a reader writes it; its acronyms ("PM", "VP",
    "II") kept."""
    if not name.isupper() or len(name.split()) < 2:
        return name
    return " ".join(w.lower() if i and w in ("OF", "AND", "THE", "FOR", "TO", "IN", "AT", "ON") else w if len(w) <= 3
                    else w.capitalize()
                    for i, w in enumerate(name.split()))


def _dedent_promoted(lines: list[str]) -> list[str]:
    """Children of a list item made a heading become a top-level list."""
    out, indent = [], None
    for line in lines:
        if _HEADING.match(line):
            indent = None
            out.append(line)
            continue
        item = _ITEM.match(line)
        if indent is None and item and item.group(1) and out and _HEADING.match(out[-1]):
            indent = len(item.group(1))
        if indent and line[:indent].isspace():
            line = line[indent:]
        elif line.strip() and not line[:1].isspace():
            indent = None
        out.append(line)
    return out


# ---- nested lists --------------------------------------------------------------

_ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+(.*)$")
SHORT_PARENT = 60  # a parent item this short is a heading for its children ("Delivery", "IC3")


def flatten_nested_lists(text: str) -> str:
    """Each nested item carries its short parents ("Delivery › Ships features"): the splitters
    drop indentation, and a criterion read alone must still say which group it belongs to."""
    out, stack, fenced = [], [], False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = None if fenced else _ITEM.match(line)
        if match is None:
            if line.strip() and not line[:1].isspace():
                stack = []
            out.append(line)
            continue
        indent = len(match.group(1).expandtabs(4))
        stack = [(i, t) for i, t in stack if i < indent]
        item = match.group(3).strip()
        parents = [t for _, t in stack if t]
        out.append(f"{match.group(1)}{match.group(2)} {' › '.join([*parents, item])}" if parents else line)
        short = _clean(item)
        stack.append((indent, short if len(short) <= SHORT_PARENT else ""))
    return "\n".join(out)


# ---- front matter ------------------------------------------------------------

# Keys that hold groups rather than name them ("topics: - name: X, levels: ...").
CONTAINER_KEYS = {"topics", "levels", "criteria", "competencies", "areas", "skills", "items", "expectations",
                  "behaviors", "behaviours", "categories", "dimensions", "sections", "content", "tracks"}
# Keys whose list items are the levels themselves ("levels: [{title: Senior PM, ...}]").
LEVEL_KEYS = ("levels", "titles", "roles", "ladder", "grades", "bands", "steps")
_NAME_KEYS = ("name", "title", "level", "id", "label", "topic", "competency")
# Page-building keys of static site generators: no career content.
_SITE_KEYS = {"layout", "permalink", "preload", "updated_date", "date", "toc", "slug", "tags", "draft",
              "weight", "menu", "aliases", "redirect_from", "image", "nav_order", "parent", "sidebar"}


def front_matter_blocks(meta: dict) -> list[Block]:
    """Leaf groups of structured front matter (topics → levels → criteria), one passage each."""
    blocks: list[Block] = []
    for key, value in meta.items():
        if str(key).lower() in _SITE_KEYS or not isinstance(value, (dict, list)):
            continue
        _walk(value, [str(key)], blocks)
    return blocks


def _walk(node, path: list[str], out: list[Block], levels: tuple[str, ...] = ()) -> None:
    """`levels`: level names given by fields of enclosing items ("level: P2" beside "title: ...")."""
    if isinstance(node, list):
        scalars = [_scalar(x) for x in node if not isinstance(x, (dict, list))]
        if scalars:
            out.append(_leaf(path, scalars, levels))
        for i, item in enumerate(x for x in node if isinstance(x, (dict, list))):
            _walk(item, [*path, _item_name(item, i)], out, levels)
    elif isinstance(node, dict):
        name_key = next((k for k in _NAME_KEYS if k in node and not isinstance(node[k], (dict, list))), None)
        levels = (*levels, *(str(node[k]) for k in _NAME_KEYS if k in node and not isinstance(node[k], (dict, list))
                             and is_level_label(str(node[k]))))
        scalars = [f"{_field_name(k)}: {_scalar(v)}" for k, v in node.items()
                   if not isinstance(v, (dict, list)) and k != name_key and _says_something(v)]
        if scalars:
            out.append(_leaf(path, scalars, levels))
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                _walk(value, [*path, str(key)], out, levels)


# Fields that hold the text itself: their name is not read out ("summary: Owns a product line").
TEXT_KEYS = {"summary", "description", "overview", "details", "detail", "text", "notes", "note", "about", "body"}


def _field_name(key) -> str:
    """A field's name as a reader says it ("reports_to" -> "Reports to"); a text field's stays a bare key."""
    key = str(key)
    if key.lower() in TEXT_KEYS:
        return key
    name = key.replace("_", " ").replace("-", " ").strip()
    return name[:1].upper() + name[1:]  # "W2_to_W3" keeps its codes' capitals


def _says_something(value) -> bool:
    """A value worth a line: words or a number, not a lone code ("id: L3", "track: ic") that the level's
    name already carries."""
    text = str(value).strip()
    return bool(text) and (len(text.split()) > 1 or bool(re.fullmatch(r"[\d.,%$£€]+", text)))


def _item_name(item, index: int) -> str:
    if isinstance(item, dict):
        for key in _NAME_KEYS:
            if key in item and not isinstance(item[key], (dict, list)):
                return str(item[key])
    return f"item {index + 1}"


def _scalar(value) -> str:
    return " ".join(str(value).split())


def _leaf(path: list[str], lines: list[str], given: tuple[str, ...] = ()) -> Block:
    named = [p for p in path if p.lower() not in CONTAINER_KEYS]
    # Inside one level's item ("levels › W3 › expectations › senior"), a one-word key qualifies that level.
    in_level = next((i + 2 for i, p in enumerate(path[:-1]) if p.lower() in LEVEL_KEYS), len(path))
    levels = list(dict.fromkeys([p for i, p in enumerate(path) if p.lower() not in CONTAINER_KEYS and is_level_label(p)
                                 and not (i >= in_level and len(p.split()) == 1 and not is_code_like(p))]
                                + list(given)))
    competency = " › ".join(p for p in named if p not in levels)
    title = HEADER_SEPARATOR.join([*levels, competency] if levels and competency else named or path)
    text = f"{title}:\n" + "\n".join(f"- {line}" for line in lines)
    return Block(path, text, levels, competency, kind="front-matter")


# ---- levels introduced in prose --------------------------------------------------
# An email or memo that gives each level a paragraph ("2. Our first level, Associate Product Manager
# (internally 'APM'), is for …") has no heading to find its levels by: a paragraph whose opening names one
# level, new to the document, is made that level's section.

# A capitalised run of words, where a level's name may sit in a sentence ("Head of Product", "Staff PM", "L4").
_CAPITALISED_RUN = re.compile(r"(?<![\w'-])[A-Z][\w&'-]*(?:\s+(?:of\s+)?(?:[A-Z][\w&'-]*|\d{1,2}\b))*")
_UNIT_MARK = re.compile(r"^\s*(?:[-*+]|\d{1,2}[.)])\s+")
_IN_BRACKETS = re.compile(r"\s*\(([^()]{1,60})\)")
# "six PM levels", "the Product Manager role": a name qualifying a noun names no one level
_QUALIFIES = re.compile(r"\s+(?:levels?|titles?|ladders?|tracks?|roles?|careers?|teams?|org\w*|community|function|"
                        r"jobs?|positions?|family|families)\b", re.IGNORECASE)
LEAD_WORDS = 8  # "Switching tracks." opening a paragraph is its title
PROSE_LEVELS_MIN = 3


def titles_in_sentence(sentence: str) -> list[str]:
    """The level names a sentence gives, in order, each once; a name in brackets just after another
    ("Senior Product Manager (SPM)") is that level's other name, not a level of its own."""
    found: list[tuple[int, int, str]] = []
    for run in _CAPITALISED_RUN.finditer(sentence):
        words = run.group(0).split()
        i = 0
        while i < len(words):  # the longest name starting at each word ("Our first" is none; "An APM" is "APM")
            j = next((j for j in range(len(words), i, -1) if _one_level_named(" ".join(words[i:j]))), None)
            if j is None:
                i += 1
                continue
            name = " ".join(words[i:j])
            start = run.start() + len(" ".join(words[:i])) + (1 if i else 0)
            if not _QUALIFIES.match(sentence, start + len(name)):
                found.append((start, start + len(name), name))
            i = j
    names: list[str] = []
    for k, (start, end, name) in enumerate(found):
        before = found[k - 1] if k else None
        bracket = _IN_BRACKETS.match(sentence, before[1]) if before else None
        if bracket and bracket.start(1) <= start and end <= bracket.end(1):
            continue  # "(internally 'SPM')"
        if _said_as(name) not in {_said_as(n) for n in names}:  # "Product Manager" and "a PM" in one sentence
            names.append(name)
    return names


def _one_level_named(text: str) -> bool:
    """A level's name, or its code and title side by side ("P3 Senior PM")."""
    parts = level_label_parts(text)
    return parts == [text] or (len(parts) == 2 and sum(is_code_like(p) or is_level_code(p) for p in parts) == 1
                               and sorted(" ".join(parts).split()) == sorted(text.split()))


def _said_as(name: str) -> str:
    return re.sub(r"(?i)\bproduct\s+managers?\b", "pm", name).lower()


def _prose_units(lines: list[str]) -> list[tuple[int, str]]:
    """(first line, text) of each paragraph, and of each top-level list item inside one."""
    units: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        new = not units or not lines[number - 1].strip() or (_UNIT_MARK.match(line) and not line[:1].isspace())
        if new:
            units.append((number, [line]))
        else:
            units[-1][1].append(line)
    return [(start, " ".join(x.strip() for x in text)) for start, text in units]


def _opening(unit: str) -> tuple[str, str | None]:
    """A paragraph's opening, its first sentence or two, and its lead ("The big picture.") if it has one."""
    from mentor.text import split_sentences

    sentences = split_sentences(_UNIT_MARK.sub("", unit).replace("**", "").replace("__", ""))
    first = sentences[0] if sentences else ""
    if len(sentences) > 1 and len(first.split()) <= LEAD_WORDS and first.endswith((".", ":")) \
            and not titles_in_sentence(first):
        return sentences[1], first.rstrip(".:").strip()
    return first, None


def level_paragraphs_as_sections(text: str) -> str:
    """A document without headings, whose paragraphs each introduce one level, with a heading over each of
    them; a paragraph opening on a lead of its own ("Switching tracks.") ends the level's section above it."""
    lines = text.splitlines()
    if any(titles_in_sentence(h) for _, _, h in headings(text)) or any(
            level_label_parts(h) for t in find_tables(text)[0] for h in [*t.header, *(r[0] for r in t.rows if r)]):
        return text  # headings or a table name the levels already
    marks: dict[int, str] = {}
    leads: dict[int, str] = {}
    introduced: list[str] = []
    for start, unit in _prose_units(lines):
        if lines[start].lstrip().startswith(("#", "|", "```")):
            continue
        opening, lead = _opening(unit)
        # a sentence, not a signature's "VP Product, Orchard Lane"
        names = titles_in_sentence(opening) if opening.endswith((".", "!", ":")) else []
        # one level named, or a paragraph that opens on a level's name ("P3 Senior PM — …; reports to the Director")
        led = bool(names) and re.match(rf"(?:(?:the|a|an|our)\s+)?{re.escape(names[0])}\b", opening, re.I)
        if (len(names) == 1 or led) and names[0].lower() not in introduced:
            introduced.append(names[0].lower())
            marks[start] = names[0]
        elif lead:
            marks[start] = lead
            leads[start] = lead
    if len(introduced) < PROSE_LEVELS_MIN:
        return text
    out = []
    for number, line in enumerate(lines):
        if number in marks:
            out += ["", f"## {marks[number]}", ""]
        if number in leads:  # "Switching tracks. Moving …": the lead is the heading now, not a sentence to quote
            line = re.sub(rf"(?:\*\*|__)?{re.escape(leads[number])}[.:](?:\*\*|__)?\s*", "", line, count=1)
        out.append(line)
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")
