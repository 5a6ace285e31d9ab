"""The responsibility-matrix parser reads seed 000's awkward cells the way a reader would."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from db.task_matrix import KNOWN_UNITS, UnitRef, parse_matrix, split_units, unit_code

MATRIX_CSV = Path(__file__).resolve().parent.parent / "sample_data" / "seed000_matrix.csv"
SEED_TEXT = Path("/work/shared/seeds/000_843e0a2ec431532d.txt")


def _rows() -> list[dict]:
    with MATRIX_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(("cell", "expected"), [
    ("扶贫办 (乡村振兴办)", [UnitRef("扶贫办", "乡村振兴办")]),
    ("社会事务办 扶贫办(乡村振兴办)", [UnitRef("社会事务办"), UnitRef("扶贫办", "乡村振兴办")]),
    ("城建办、民政办、财政局、人社中心、 (乡村振兴办)、卫生院",
     [UnitRef("城建办"), UnitRef("民政办"), UnitRef("财政局"), UnitRef("人社中心"),
      UnitRef(None, "乡村振兴办"), UnitRef("卫生院")]),
    ("财政局、乡村振兴办", [UnitRef("财政局"), UnitRef("乡村振兴办")]),
    ("组织部 扶贫办 (乡村振兴办)", [UnitRef("组织部"), UnitRef("扶贫办", "乡村振兴办")]),
    ("扶贫办（乡村振兴办）\u3000农业局，学区,工会", [UnitRef("扶贫办", "乡村振兴办"), UnitRef("农业局"),
                                              UnitRef("学区"), UnitRef("工会")]),
    ("  ", []),
])
def test_split_units_reads_tricky_cells(cell, expected):
    assert split_units(cell) == expected


def test_split_units_rejects_unbalanced_parenthesis():
    with pytest.raises(ValueError):
        split_units("扶贫办(乡村振兴办")


def test_seed_matrix_resolves_aliases_to_one_unit():
    matrix = parse_matrix(_rows(), first_row_number=2)
    assert matrix.errors == []
    assert [t.seq for t in matrix.tasks] == list(range(1, 17))
    names = matrix.unit_names()
    assert len(names) == 26 and "乡村振兴办" not in names
    assert sorted(names) == sorted(u.name for u in KNOWN_UNITS)
    by_seq = {t.seq: t for t in matrix.tasks}
    assert by_seq[3].responsible == ["城建办", "民政办", "财政局", "人社中心", "扶贫办", "卫生院"]
    assert by_seq[4].responsible == ["财政局", "扶贫办"]
    assert by_seq[6].lead == ["民政办", "扶贫办"] and "民政办" in by_seq[6].responsible
    assert "民政局" in by_seq[13].responsible and "民政办" not in by_seq[13].responsible
    assert by_seq[1].detail.startswith("(一)保持主要帮扶政策总体稳定")


@pytest.mark.skipif(not SEED_TEXT.exists(), reason="the seed texts are not on this machine")
def test_csv_cells_are_copied_exactly_from_the_seed():
    lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()
    start = lines.index("重点工作责任分工") + 2
    seed_cells = [line.rstrip(" |").split(" | ") for line in lines[start:start + 16]]
    csv_cells = [[row["序号"], row["重点工作"], row["牵头单位"], row["责任单位"]] for row in _rows()]
    assert csv_cells == seed_cells
    for row in _rows():
        assert row["工作内容"] in lines


def test_parse_matrix_reports_bad_rows_with_their_numbers():
    rows = [
        {"序号": "1", "重点工作": "保持主要帮扶政策总体稳定", "牵头单位": "扶贫办", "责任单位": "财政局"},
        {"序号": "2", "重点工作": "", "牵头单位": "学区", "责任单位": "财政局"},
        {"序号": "x", "重点工作": "某项工作", "牵头单位": "学区", "责任单位": ""},
        {"序号": "4", "重点工作": "某项工作", "牵头单位": "", "责任单位": "财政局"},
        {"序号": "5", "重点工作": "某项工作", "牵头单位": "学区(乡村振兴办", "责任单位": ""},
        {"序号": "1", "重点工作": "重复序号", "牵头单位": "学区", "责任单位": ""},
    ]
    matrix = parse_matrix(rows, first_row_number=2)
    assert [t.seq for t in matrix.tasks] == [1]
    assert [number for number, _ in matrix.errors] == [3, 4, 5, 6, 7]
    assert "重点工作" in dict(matrix.errors)[3]


def test_unit_codes_are_stable_unique_and_ascii():
    codes = [u.code for u in KNOWN_UNITS]
    assert len(set(codes)) == len(codes) == 26
    assert all(code.isascii() and code.isalnum() for code in codes)
    assert unit_code("扶贫办") == "fpb"
    assert unit_code("某新单位") == unit_code("某新单位")
    assert unit_code("某新单位").startswith("u_") and len(unit_code("某新单位")) == 10


def test_unknown_units_are_kept_with_their_own_alias():
    rows = [{"序号": "1", "重点工作": "测试", "牵头单位": "新办 (别名办)", "责任单位": "别名办、（别名办）"}]
    matrix = parse_matrix(rows)
    assert matrix.tasks[0].lead == ["新办"]
    assert matrix.tasks[0].responsible == ["新办"]


# Seed 000's table as a reader resolves it (乡村振兴办 is 扶贫办's alias), typed by hand from the
# seed text, not produced by the parser: (title, lead units, responsible units), by 序号.
FPB = "扶贫办"
SEED_MATRIX = {
    1: ("保持主要帮扶政策总体稳定", [FPB], ["农业局", "学区", "民政办", "财政局", "人社中心", "水利科", "城建办", "卫生院"]),
    2: ("巩固拓展义务教育有保障", ["学区"], ["财政局", "人社中心"]),
    3: ("巩固拓展基本医疗有保障", ["社会事务办", FPB], ["城建办", "民政办", "财政局", "人社中心", FPB, "卫生院"]),
    4: ("巩固拓展住房安全有保障", ["危改办"], ["财政局", FPB]),
    5: ("巩固拓展饮水安全有保障", ["农业局"], ["财政局", "供水站"]),
    6: ("加强农村低收入人口常态化监测", ["民政办", FPB],
        ["民政办", "学区", "派出所", "人社中心", "农业局", "卫生院", "信访办"]),
    7: ("加强扶贫项目资产管理", [FPB], ["财政局", "社区"]),
    8: ("实施特色农业发展提升行动", ["农业局"], [FPB, "工会", "财政局"]),
    9: ("实施农村人口就业提升行动", ["人社中心"], [FPB]),
    10: ("全面实施乡村建设行动", ["党政办", FPB],
         ["学区", "民政办", "财政局", "城建办", "国土所", "环保科", "农业局", "水利科", "经贸局", "文化站",
          "卫生院", "人社中心", "供电所"]),
    11: ("加强组织领导", ["农业局", FPB], ["组织部"]),
    12: ("抓党建促巩固拓展脱贫攻坚成果和乡村振兴", ["组织部"], ["民政办", "财政局", "农业局"]),
    13: ("加大财政投入力度", ["财政局"], ["民政局", "农业局", "国土所", FPB]),
    14: ("统筹帮扶力量", ["组织部", FPB], ["统战部", "农业局", "经贸局", "民政办"]),
    15: ("做好巩固脱贫成果后评估", [FPB], ["组织部", "农业局", "经贸局"]),
    16: ("强化作风建设", ["纪委"], ["党政办", FPB]),
}


def _reader_units(cell: str) -> list[str]:
    """How a person reads a seed cell, by plain text rules (independent of db.task_matrix)."""
    import re

    text = re.sub(r"扶贫办\s*[(（]乡村振兴办[)）]", FPB, cell)
    text = re.sub(r"[(（]乡村振兴办[)）]|乡村振兴办", FPB, text)
    return [name for name in re.split(r"[、\s]+", text) if name]


@pytest.mark.skipif(not SEED_TEXT.exists(), reason="the seed texts are not on this machine")
def test_hand_typed_matrix_is_what_the_seed_text_says():
    lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()
    start = lines.index("重点工作责任分工") + 2
    for line in lines[start:start + 16]:
        seq, title, lead, responsible = line.rstrip(" |").split(" | ")
        assert SEED_MATRIX[int(seq)] == (title, _reader_units(lead), _reader_units(responsible))


def stored_matrix(url: str) -> dict[int, tuple[str, list[str], list[str]]]:
    """The matrix in a database, read with pandas only: (title, lead names, responsible names) by seq."""
    from tests.conftest import read_table

    tasks, links, units = (read_table(url, name) for name in ("task", "task_unit", "unit"))
    names = units.set_index("code")["name"]
    matrix = {}
    for row in tasks.itertuples():
        mine = links[links["task_code"] == row.code]
        matrix[int(row.seq)] = (row.title, sorted(names[mine.loc[mine["role"] == "lead", "unit_code"]]),
                                sorted(names[mine.loc[mine["role"] == "responsible", "unit_code"]]))
    return matrix


def test_sample_database_matrix_matches_seed_000_cell_for_cell(engine_db_url):
    expected = {seq: (title, sorted(lead), sorted(resp)) for seq, (title, lead, resp) in SEED_MATRIX.items()}
    assert stored_matrix(engine_db_url) == expected
