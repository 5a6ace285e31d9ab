"""Parse a responsibility matrix (重点工作责任分工): tasks with their lead and responsible units.

Pure Python on plain rows (dicts keyed by the Chinese column headers), so the sample generator and
an importer share one reading of the cells. Cells list units separated by 、，, or whitespace; a
parenthesised name right after a unit is that unit's alias (扶贫办 (乡村振兴办)); a lone alias,
bare or in parentheses, stands for the unit that carries it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from labels import t

COLUMN_SEQ = "序号"
COLUMN_TITLE = "重点工作"
COLUMN_LEAD = "牵头单位"
COLUMN_RESPONSIBLE = "责任单位"
COLUMN_DETAIL = "工作内容"  # optional: the task's paragraph from the policy text


@dataclass(frozen=True)
class KnownUnit:
    """A unit the project knows by name: stable code, kind and the alias a matrix may use."""

    name: str
    code: str
    kind: str  # government / party / service
    alias: str | None = None


# Codes are pinyin initials; they appear in URLs (unit=<code>), so never change one once used.
KNOWN_UNITS: tuple[KnownUnit, ...] = (
    KnownUnit("扶贫办", "fpb", "government", "乡村振兴办"),
    KnownUnit("农业局", "nyj", "government"),
    KnownUnit("学区", "xq", "service"),
    KnownUnit("民政办", "mzb", "government"),
    KnownUnit("财政局", "czj", "government"),
    KnownUnit("人社中心", "rszx", "service"),
    KnownUnit("水利科", "slk", "government"),
    KnownUnit("城建办", "cjb", "government"),
    KnownUnit("卫生院", "wsy", "service"),
    KnownUnit("社会事务办", "shswb", "government"),
    KnownUnit("危改办", "wgb", "government"),
    KnownUnit("供水站", "gsz", "service"),
    KnownUnit("派出所", "pcs", "government"),
    KnownUnit("信访办", "xfb", "government"),
    KnownUnit("社区", "sq", "service"),
    KnownUnit("工会", "gh", "party"),  # a mass organisation led by the party committee
    KnownUnit("党政办", "dzb", "government"),
    KnownUnit("国土所", "gts", "government"),
    KnownUnit("环保科", "hbk", "government"),
    KnownUnit("经贸局", "jmj", "government"),
    KnownUnit("文化站", "whz", "service"),
    KnownUnit("供电所", "gds", "service"),
    KnownUnit("组织部", "zzb", "party"),
    # Seed 000 writes 民政局 on task 13 and 民政办 elsewhere; they are kept apart, not guessed equal.
    KnownUnit("民政局", "mzj", "government"),
    KnownUnit("统战部", "tzb", "party"),
    KnownUnit("纪委", "jw", "party"),
)

_KNOWN_BY_NAME = {unit.name: unit for unit in KNOWN_UNITS}
_SEPARATORS = "、，,；;"
_OPENERS = "(（"
_CLOSERS = ")）"


@dataclass(frozen=True)
class UnitRef:
    """One unit as written in a cell: a name, an alias, or both (扶贫办 with alias 乡村振兴办)."""

    name: str | None
    alias: str | None = None


@dataclass
class ParsedTask:
    """One matrix row: its sequence number, title, optional detail and unit names by role."""

    seq: int
    title: str
    lead: list[str]
    responsible: list[str]
    detail: str | None = None


@dataclass
class ParsedMatrix:
    """The readable tasks, the unreadable rows as (row_number, message), and every unit named."""

    tasks: list[ParsedTask] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> unit name

    def unit_names(self) -> list[str]:
        """Every unit named by a task, in order of first appearance."""
        seen: dict[str, None] = {}
        for parsed in self.tasks:
            for name in parsed.lead + parsed.responsible:
                seen.setdefault(name, None)
        return list(seen)


def unit_code(name: str) -> str:
    """The stable code of a unit: from KNOWN_UNITS, else "u_" + 8 hex digits of sha1(name)."""
    known = _KNOWN_BY_NAME.get(name)
    if known is not None:
        return known.code
    return "u_" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def unit_kind(name: str) -> str | None:
    """The kind of a known unit, None for a unit the project has not seen before."""
    known = _KNOWN_BY_NAME.get(name)
    return known.kind if known is not None else None


def unit_alias(name: str) -> str | None:
    """The alias a known unit carries (扶贫办 -> 乡村振兴办), None otherwise."""
    known = _KNOWN_BY_NAME.get(name)
    return known.alias if known is not None else None


def split_units(cell: str) -> list[UnitRef]:
    """Split one matrix cell into unit references, attaching parenthesised aliases to names."""
    refs: list[UnitRef] = []
    # Whether the previous token was a name that an alias may still attach to: a separator
    # such as 、 ends that chance, plain whitespace does not (扶贫办 (乡村振兴办)).
    attachable = False
    position = 0
    text = cell or ""
    while position < len(text):
        char = text[position]
        if char.isspace():
            position += 1
            continue
        if char in _SEPARATORS:
            attachable = False
            position += 1
            continue
        if char in _OPENERS:
            end = _find_closer(text, position + 1)
            if end < 0:
                raise ValueError(t("task_import.unbalanced", cell=cell))
            alias = text[position + 1:end].strip()
            position = end + 1
            if not alias:
                continue
            if attachable and refs[-1].alias is None:
                refs[-1] = UnitRef(refs[-1].name, alias)
            else:
                refs.append(UnitRef(None, alias))
            attachable = False
            continue
        if char in _CLOSERS:
            raise ValueError(t("task_import.unbalanced", cell=cell))
        end = position
        while end < len(text) and not _ends_name(text[end]):
            end += 1
        refs.append(UnitRef(text[position:end]))
        attachable = True
        position = end
    return refs


def _find_closer(text: str, start: int) -> int:
    for index in range(start, len(text)):
        if text[index] in _CLOSERS:
            return index
        if text[index] in _OPENERS:
            return -1
    return -1


def _ends_name(char: str) -> bool:
    return char.isspace() or char in _SEPARATORS or char in _OPENERS or char in _CLOSERS


def parse_matrix(rows: list[dict], first_row_number: int = 1, row_numbers: list[int] | None = None,
                 known_aliases: dict[str, str] | None = None) -> ParsedMatrix:
    """Read matrix rows (dicts keyed 序号/重点工作/牵头单位/责任单位) into tasks and row errors.

    Row numbers count from first_row_number (an importer reading a file with a header line
    passes 2, so messages name the line a user sees in the spreadsheet), or are given one per row
    in row_numbers when blank lines were skipped. known_aliases (alias -> unit name, e.g. from
    the database's unit table) resolve a lone alias the matrix itself never spells out.
    """
    result = ParsedMatrix()
    split_rows: list[tuple[int, dict, list[UnitRef], list[UnitRef]]] = []
    for offset, row in enumerate(rows):
        number = row_numbers[offset] if row_numbers is not None else first_row_number + offset
        try:
            lead = split_units(_cell(row, COLUMN_LEAD))
            responsible = split_units(_cell(row, COLUMN_RESPONSIBLE))
        except ValueError as error:
            result.errors.append((number, str(error)))
            continue
        split_rows.append((number, row, lead, responsible))

    result.aliases = _collect_aliases((ref for _, _, lead, resp in split_rows for ref in lead + resp),
                                      known_aliases or {})
    seen_seqs: set[int] = set()
    for number, row, lead_refs, responsible_refs in split_rows:
        message = _row_problem(row, lead_refs, seen_seqs)
        if message:
            result.errors.append((number, message))
            continue
        seq = int(_cell(row, COLUMN_SEQ))
        seen_seqs.add(seq)
        detail = _cell(row, COLUMN_DETAIL) or None
        result.tasks.append(ParsedTask(
            seq=seq,
            title=_cell(row, COLUMN_TITLE),
            lead=_resolve(lead_refs, result.aliases),
            responsible=_resolve(responsible_refs, result.aliases),
            detail=detail,
        ))
    result.errors.sort()
    return result


def _cell(row: dict, column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


# Longest values the schema stores (task.title, unit.name): refuse a longer one with a row message
# instead of a database error half-way through an import.
MAX_TITLE, MAX_UNIT_NAME, MAX_SEQ = 200, 100, 9999


def _row_problem(row: dict, lead_refs: list[UnitRef], seen_seqs: set[int]) -> str | None:
    seq_text = _cell(row, COLUMN_SEQ)
    if not re.fullmatch(r"\d+", seq_text) or not 0 < int(seq_text) <= MAX_SEQ:
        return t("task_import.bad_seq", column=COLUMN_SEQ, value=seq_text)
    if int(seq_text) in seen_seqs:
        return t("task_import.duplicate_seq", column=COLUMN_SEQ, value=seq_text)
    title = _cell(row, COLUMN_TITLE)
    if not title:
        return t("task_import.missing", column=COLUMN_TITLE)
    if len(title) > MAX_TITLE:
        return t("task_import.too_long", column=COLUMN_TITLE, limit=MAX_TITLE)
    if not lead_refs:
        return t("task_import.missing", column=COLUMN_LEAD)
    for column in (COLUMN_LEAD, COLUMN_RESPONSIBLE):
        for name in split_units(_cell(row, column)):
            for written in (name.name, name.alias):
                if written and len(written) > MAX_UNIT_NAME:
                    return t("task_import.too_long", column=column, limit=MAX_UNIT_NAME)
    return None


def _collect_aliases(refs, known_aliases: dict[str, str]) -> dict[str, str]:
    # Aliases written next to a name in this matrix win over the database's, which win over the
    # built-in table.
    aliases = {unit.alias: unit.name for unit in KNOWN_UNITS if unit.alias}
    aliases.update(known_aliases)
    for ref in refs:
        if ref.name and ref.alias:
            aliases[ref.alias] = ref.name
    return aliases


def _resolve(refs: list[UnitRef], aliases: dict[str, str]) -> list[str]:
    names: list[str] = []
    for ref in refs:
        written = ref.name if ref.name is not None else ref.alias
        # A bare name that is some unit's alias (乡村振兴办) means that unit, unless it is itself
        # a unit in the known table.
        name = written if written in _KNOWN_BY_NAME else aliases.get(written, written)
        if name not in names:
            names.append(name)
    return names
