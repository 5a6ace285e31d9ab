"""The national monitoring system's export: accepted column names and value codes, in one table.

Header spellings changed between system versions (致贫原因1 → 致贫/返贫风险1, 风险是否消除 →
风险是否已消除 …). Every accepted spelling of a column the importer uses is listed here against one
field name; nothing else in the importer knows a Chinese header. These are names of a data format
(like CSV column names), not UI text, so they live here and not in the label catalogue.
"""

from __future__ import annotations

import re

# field -> accepted header spellings (compared after removing all whitespace and unifying brackets)
COLUMN_VARIANTS: dict[str, tuple[str, ...]] = {
    # place and identity
    "county": ("县", "县(市、区、旗)", "县（市、区、旗）", "县市区"),
    "township": ("乡", "乡(镇)", "乡镇", "乡(镇、街道)", "乡镇(街道)"),
    "village": ("村", "行政村", "村(社区)", "行政村(社区)"),
    "household_no": ("户编号",),
    "person_no": ("人编号", "个人编号"),
    "name": ("姓名", "成员姓名"),
    "id_type": ("证件类型",),
    "id_number": ("证件号码", "身份证号码", "身份证号"),
    "size": ("人数", "家庭人口数", "家庭人口"),
    "relation": ("与户主关系",),
    "sex": ("性别",),
    "birth_date": ("出生日期",),
    "schooling": ("在校生状况", "在校生情况"),
    "health": ("健康状况",),
    "labor_skill": ("劳动技能",),
    "phone": ("联系电话", "户联系电话"),
    "helper": ("帮扶责任人", "帮扶责任人姓名"),
    "medical_insured": ("是否参加城乡居民基本医疗保险", "是否参加基本医疗保险"),
    # household status and monitoring
    "household_type": ("户类型",),
    "exited_year": ("脱贫年度", "脱贫年份"),
    "relocated": ("居住在异地扶贫搬迁集中安置区", "是否易地扶贫搬迁户", "是否异地扶贫搬迁户"),
    "case_type": ("监测对象类别", "易返贫致贫户(监测对象)类型", "监测对象类型"),
    "identified": ("识别监测时间", "风险识别时间", "首次识别时间", "纳入监测时间"),
    "eliminated_flag": ("风险是否已消除", "风险是否消除"),
    "eliminated": ("消除监测时间", "风险消除时间"),
    "elimination_kind": ("风险消除方式",),
    "risk1": ("致贫/返贫风险1", "致贫返贫风险1", "致贫原因1", "主要致贫原因", "致贫原因"),
    "risk2": ("致贫/返贫风险2", "致贫返贫风险2", "致贫原因2"),
    "risk3": ("致贫/返贫风险3", "致贫返贫风险3", "致贫原因3"),
    "risk4": ("致贫/返贫风险4", "致贫返贫风险4", "致贫原因4"),
    "risk5": ("致贫/返贫风险5", "致贫返贫风险5", "致贫原因5"),
    # income and spending (yuan) of the income year: the export year unless the export names the year its
    # income was collected in (collected once a year near its end; issue 20, rule 5)
    "income_year": ("收入年度", "收入所属年度", "收入统计年度"),
    "wage": ("工资性收入",),
    "business": ("生产经营性收入",),
    "property": ("财产性收入",),
    "transfer": ("转移性收入",),
    "business_cost": ("生产经营性支出",),
    "net_total": ("家庭纯收入",),
    "per_capita_net": ("人均纯收入(元)", "家庭人均纯收入(元)", "人均纯收入", "家庭人均纯收入"),
    "rigid_expenditure": ("合规自付支出", "合规自付医疗费用"),
    # 三保障 and drinking water (see GUARANTEE_FIELDS for the item and which answer is a problem)
    "dropout": ("是否义务教育阶段适龄儿童少年失学辍学",),
    "housing_unsafe": ("是否住房出现安全问题", "是否危房户"),
    "water_unsafe": ("是否饮水出现安全问题",),
    "water_secured": ("是否解决安全饮用水",),
    "uninsured_member": ("是否有家庭成员未参加城乡居民(职工)基本医疗保险",),
    # measures: a filled cell means the measure applies (see MEASURE_FIELDS)
    "m_industry": ("产业帮扶",),
    "m_employment": ("就业帮扶",),
    "m_finance": ("金融帮扶",),
    "m_welfare_post": ("公益岗位帮扶",),
    "m_health": ("健康帮扶",),
    "m_education": ("教育帮扶", "义务教育保障", "其他教育帮扶"),
    "m_social_security": ("综合保障", "兜底保障"),
    "m_housing": ("住房安全保障",),
    "m_water": ("饮水安全保障",),
    "m_social": ("社会帮扶",),
    "m_relocation": ("搬迁", "易地搬迁"),
    # 民政 categories of 农村低收入人口 (issue 20, from 2026): whether the household receives them
    "dibao_policy": ("享受低保政策情况", "是否享受低保", "是否享受低保政策"),
    "tekun_policy": ("享受特困供养政策情况", "是否享受特困供养", "是否享受特困供养政策"),
}
REQUIRED_FIELDS = ("township", "village", "household_no", "name", "id_number")
MONEY_FIELDS = ("wage", "business", "property", "transfer", "business_cost", "net_total", "per_capita_net",
                "rigid_expenditure")
RISK_FIELDS = ("risk1", "risk2", "risk3", "risk4", "risk5")

# 三保障 field -> (guarantee_check item, the answer that means a problem)
GUARANTEE_FIELDS: dict[str, tuple[str, bool]] = {
    "dropout": ("education", True),
    "uninsured_member": ("medical", True),
    "housing_unsafe": ("housing", True),
    "water_unsafe": ("water", True),
    "water_secured": ("water", False),
}
# measure field -> assistance kind (综合保障 is refined by its value, see SOCIAL_SECURITY_KINDS)
MEASURE_FIELDS: dict[str, str] = {
    "m_industry": "industry", "m_employment": "employment", "m_finance": "micro_credit",
    "m_welfare_post": "public_welfare_post", "m_health": "health", "m_education": "education",
    "m_social_security": "dibao", "m_housing": "housing", "m_water": "water", "m_social": "other",
    "m_relocation": "relocation", "dibao_policy": "dibao", "tekun_policy": "tekun",
}
# 享受低保政策情况 / 享受特困供养政策情况 hold 是/否 or words (享受农村低保, 未享受, 分散供养 …):
# a value with one of these words says the household does not receive it.
POLICY_FIELDS = frozenset({"dibao_policy", "tekun_policy"})
NOT_RECEIVED_WORDS = ("未", "不", "没", "无", "否")
SOCIAL_SECURITY_KINDS = (("特困", "tekun"), ("临时", "temporary_relief"), ("低保", "dibao"))

# value tables: the export's words -> the database's codes
RISK_CODES: dict[str, str] = {
    "因病": "illness", "因残": "disability", "因学": "schooling", "因自然灾害": "disaster", "因灾": "disaster",
    "因意外事故": "accident", "因产业项目失败": "business_failure", "因务工就业不稳": "unstable_employment",
    "务工就业不稳": "unstable_employment", "缺劳动力": "labor_shortage", "缺劳力": "labor_shortage",
    "因安全住房": "housing", "住房安全": "housing", "因安全饮水": "water", "饮水安全": "water",
    "其他": "other", "因其他": "other", "大额刚性支出": "other",
}
CASE_TYPES: dict[str, str] = {
    "脱贫不稳定户": "unstable", "100A03001": "unstable",
    "边缘易致贫户": "marginal", "100A03002": "marginal",
    "突发严重困难户": "sudden", "100A03003": "sudden",
}
ELIMINATION_KINDS: dict[str, str] = {"帮扶消除": "stable", "稳定消除": "stable", "自然消除": "natural"}
LABOR_SKILLS: dict[str, str] = {
    "普通劳动力": "normal", "技能劳动力": "skilled", "弱劳动力或半劳动力": "weak", "弱劳动力": "weak",
    "半劳动力": "weak", "丧失劳动力": "lost", "无劳动力": "none",
}
HEALTH: dict[str, str] = {"健康": "healthy", "长期慢性病": "chronic", "患有大病": "serious", "残疾": "disabled"}
RELATIONS: dict[str, str] = {
    "户主": "head", "配偶": "spouse", "之子": "child", "之女": "child", "子": "child", "女": "child",
    "之父": "parent", "之母": "parent", "父亲": "parent", "母亲": "parent", "之孙子": "grandchild",
    "之孙女": "grandchild", "孙子": "grandchild", "孙女": "grandchild", "之儿媳": "other", "之女婿": "other",
    "其他": "other",
}
SEXES: dict[str, str] = {"男": "male", "女": "female"}
YES = frozenset({"是", "Y", "y", "1", "有", "TRUE", "True", "true"})
NO = frozenset({"否", "N", "n", "0", "无", "FALSE", "False", "false"})
EXITED_HOUSEHOLD_WORD = "脱贫"  # 户类型 脱贫户 / 脱贫不稳定户 / 脱贫不享受政策户 mark an exited household
# a title line that states the export's date: 导出时间：2026年11月20日, 截至2026-11-20, 20261120 …
TITLE_DATE = re.compile(r"(20\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})|(20\d{2})(\d{2})(\d{2})")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "／": "/"})


def normalise_header(value: object) -> str:
    """A header cell without whitespace, with half-width brackets and slashes."""
    return "".join(str(value or "").split()).translate(_BRACKETS)


FIELD_OF_HEADER: dict[str, str] = {normalise_header(name): field
                                   for field, names in COLUMN_VARIANTS.items() for name in names}


def header_fields(cells: list[object]) -> dict[int, str]:
    """Column index -> field for the cells of a header row (first spelling of a field wins)."""
    found: dict[int, str] = {}
    taken: set[str] = set()
    for index, cell in enumerate(cells):
        field = FIELD_OF_HEADER.get(normalise_header(cell))
        if field and field not in taken:
            found[index] = field
            taken.add(field)
    return found
