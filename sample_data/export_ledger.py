"""`python -m sample_data export-ledger --out FILE [--asof D]`: the county as the national system exports it.

One row per person of every household the national system would hold on that date (exited
households and households with a monitoring case), two title rows above the header (the second
states the export date), column names of the current system version, the household's facts
repeated on each of its people's rows. .xlsx (streamed) or .csv (UTF-8) by the file's suffix.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import exists, func, or_, select
from sqlalchemy.engine import Engine

from db.imports.ledger_columns import (CASE_TYPES, COLUMN_VARIANTS, ELIMINATION_KINDS, HEALTH, LABOR_SKILLS,
                                       MEASURE_FIELDS, RELATIONS, RISK_CODES, SEXES)
from db.schema import (area, assistance, case_risk, guarantee_check, household, household_income,
                       household_member, monitoring_case)

PERSON_COLUMNS = ("county", "township", "village", "household_no", "person_no", "name", "id_type", "id_number",
                  "size", "relation", "sex", "birth_date", "schooling", "health", "labor_skill",
                  "medical_insured", "phone", "helper", "household_type", "exited_year", "case_type",
                  "identified", "eliminated_flag", "eliminated", "elimination_kind", "risk1", "risk2", "risk3",
                  "risk4", "risk5", "income_year", "wage", "business", "property", "transfer", "rigid_expenditure",
                  "per_capita_net", "dropout", "uninsured_member", "housing_unsafe", "water_unsafe",
                  *MEASURE_FIELDS)
IGNORED = ("民族", "务工所在地", "务工时间（月）")  # columns the importer does not use, as real exports have
CHECK_FIELD = {"education": "dropout", "medical": "uninsured_member", "housing": "housing_unsafe",
               "water": "water_unsafe"}
MEASURE_COLUMN = {kind: name for name, kind in MEASURE_FIELDS.items()}
MEASURE_COLUMN.update({"tekun": "m_social_security", "temporary_relief": "m_social_security"})
MEASURE_VALUE = {"dibao": "低保", "tekun": "特困供养", "temporary_relief": "临时救助"}


def _first_word(table: dict[str, str]) -> dict[str, str]:
    words: dict[str, str] = {}
    for word, code in table.items():
        words.setdefault(code, word)
    return words


RISK_WORDS, CASE_WORDS = _first_word(RISK_CODES), _first_word(CASE_TYPES)
KIND_WORDS, SKILL_WORDS = _first_word(ELIMINATION_KINDS), _first_word(LABOR_SKILLS)
HEALTH_WORDS, RELATION_WORDS, SEX_WORDS = _first_word(HEALTH), _first_word(RELATIONS), _first_word(SEXES)
RELATION_WORDS.update({"child": "之子", "grandchild": "之孙子", "parent": "之父"})


def export_ledger(engine: Engine, out: Path, asof: dt.date,
                  progress: Callable[[float], None] | None = None) -> int:
    """Write the export; return the number of person rows."""
    header = [COLUMN_VARIANTS[name][0] for name in PERSON_COLUMNS] + list(IGNORED)
    titles = [["防止返贫监测信息系统  监测对象信息（自定义导出）"], [f"导出时间：{asof:%Y年%m月%d日}"]]
    rows = _rows(engine, asof, progress)
    if out.suffix.lower() == ".csv":
        with open(out, "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerows(titles + [header])
            count = 0
            for row in rows:
                writer.writerow(["" if v is None else v for v in row])
                count += 1
        return count
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("监测对象信息")
    for line in titles + [header]:
        sheet.append(line)
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
    book.save(out)
    return count


def _rows(engine: Engine, asof: dt.date, progress: Callable[[float], None] | None) -> Iterator[list]:
    with engine.connect() as connection:
        names = dict(connection.execute(select(area.c.code, area.c.name)).all())
        parents = dict(connection.execute(select(area.c.code, area.c.parent_code)).all())
        held = or_(household.c.poverty_status == "exited", exists().where(
            monitoring_case.c.household_id == household.c.id, monitoring_case.c.identified_on <= asof))
        households = connection.execute(select(household).where(held).order_by(household.c.id)).all()
        ids = [h.id for h in households]
        cases = _latest_cases(connection, asof)
        risks: dict[int, list[str]] = {}
        for case_id, code in connection.execute(select(case_risk.c.case_id, case_risk.c.risk_code)
                                                .order_by(case_risk.c.case_id, case_risk.c.risk_code)):
            risks.setdefault(case_id, []).append(code)
        # The latest income collected by the export date (once a year, near its end): the export says its year.
        income_year = connection.execute(select(func.max(household_income.c.year))
                                         .where(household_income.c.year <= asof.year)).scalar()
        incomes = {row.household_id: row for row in connection.execute(
            select(household_income).where(household_income.c.year == income_year))}
        problems = set(connection.execute(select(guarantee_check.c.household_id, guarantee_check.c.item).where(
            guarantee_check.c.ok.is_(False), guarantee_check.c.checked_on <= asof,
            or_(guarantee_check.c.resolved_on.is_(None), guarantee_check.c.resolved_on > asof))).all())
        checked = {row[0] for row in connection.execute(select(guarantee_check.c.household_id).where(
            guarantee_check.c.checked_on <= asof).distinct())}
        measures: dict[int, dict[str, str]] = {}
        for household_id, kind in connection.execute(select(assistance.c.household_id, assistance.c.kind).where(
                assistance.c.started_on <= asof,
                or_(assistance.c.ended_on.is_(None), assistance.c.ended_on > asof))):
            column = MEASURE_COLUMN.get(kind, "m_social")
            measures.setdefault(household_id, {})[column] = MEASURE_VALUE.get(kind, "是")
        members: dict[int, list] = {}
        for member in connection.execute(select(household_member).order_by(household_member.c.id)):
            members.setdefault(member.household_id, []).append(member)
    for number, h in enumerate(households):
        if progress and number % 1000 == 0:
            progress(number / max(1, len(ids)))
        base = _household_values(h, names, parents, cases.get(h.id), risks, incomes.get(h.id), asof)
        for item, name in CHECK_FIELD.items():
            base[name] = ("是" if (h.id, item) in problems else "否") if h.id in checked else None
        base.update(measures.get(h.id, {}))
        for index, member in enumerate(members.get(h.id, [])):
            values = dict(base)
            values.update({
                "person_no": f"{h.id:010d}{index + 1:02d}", "name": member.name, "id_type": "居民身份证",
                "id_number": member.id_number, "relation": RELATION_WORDS.get(member.relation, "其他"),
                "sex": SEX_WORDS.get(member.sex), "birth_date": f"{member.birth_date:%Y%m%d}" if member.birth_date
                else None, "schooling": member.schooling, "health": HEALTH_WORDS.get(member.health),
                "labor_skill": SKILL_WORDS.get(member.labor_skill),
                "medical_insured": None if member.medical_insured is None else
                ("是" if member.medical_insured else "否"),
            })
            yield [values.get(name) for name in PERSON_COLUMNS] + [None] * len(IGNORED)


def _latest_cases(connection, asof: dt.date) -> dict[int, object]:
    """Each household's latest case identified by the date (the one an export row shows)."""
    latest: dict[int, object] = {}
    for case in connection.execute(select(monitoring_case).where(monitoring_case.c.identified_on <= asof)
                                   .order_by(monitoring_case.c.identified_on, monitoring_case.c.id)):
        latest[case.household_id] = case
    return latest


def _household_values(h, names: dict, parents: dict, case, risks: dict, income, asof: dt.date) -> dict:
    township = parents.get(h.village_code)
    values = {
        "county": names.get(parents.get(township)), "township": names.get(township),
        "village": names.get(h.village_code), "household_no": h.external_id or f"S{h.id:09d}",
        "size": h.size, "phone": h.phone, "helper": h.helper_name,
        "household_type": "脱贫户" if h.poverty_status == "exited" else "监测户",
        "exited_year": h.exited_year,
    }
    if case is not None:
        eliminated = case.eliminated_on if case.eliminated_on and case.eliminated_on <= asof else None
        values.update({
            "case_type": CASE_WORDS[case.case_type], "identified": case.identified_on.isoformat(),
            "eliminated_flag": "是" if eliminated else "否",
            "eliminated": eliminated.isoformat() if eliminated else None,
            "elimination_kind": KIND_WORDS.get(case.elimination_kind) if eliminated else None,
        })
        for index, code in enumerate(risks.get(case.id, [])[:5]):
            values[f"risk{index + 1}"] = RISK_WORDS[code]
    if income is not None:
        values.update({"income_year": income.year, "wage": income.wage, "business": income.business, "property": income.property,
                       "transfer": income.transfer, "rigid_expenditure": income.rigid_expenditure,
                       "per_capita_net": income.per_capita_net})
    return values
