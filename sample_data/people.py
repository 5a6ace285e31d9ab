"""Synthetic personal data: names, well-formed fake ID numbers and phone numbers, vectorised."""

from __future__ import annotations

import datetime as dt

import numpy as np

REGION_CODE = "429999"
# Common surnames, roughly in order of frequency; the weights fall off with rank.
SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = tuple("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国文志红春金海云德福荣珍凤林成忠翠喜宝山水生发贵友家新清学永先")
PHONE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                  "153", "155", "156", "157", "158", "159", "180", "181", "182", "183", "185", "186",
                  "187", "188", "189")
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
CHECK_CHARS = "10X98765432"
BIRTH_FIRST = dt.date(1940, 1, 1).toordinal()
BIRTH_LAST = dt.date(2000, 12, 31).toordinal()


def names(count: int, rng: np.random.Generator) -> list[str]:
    """Chinese full names: a common surname and one or two given-name characters."""
    rank = np.arange(1, len(SURNAMES) + 1)
    surname_p = 1.0 / rank ** 0.8
    surname = rng.choice(len(SURNAMES), size=count, p=surname_p / surname_p.sum())
    first = rng.integers(0, len(GIVEN), size=count)
    second = rng.integers(0, len(GIVEN), size=count)
    two = rng.random(count) < 0.7
    return [SURNAMES[s] + GIVEN[a] + (GIVEN[b] if t else "")
            for s, a, b, t in zip(surname.tolist(), first.tolist(), second.tolist(), two.tolist())]


def check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of an ID number's first 17 digits."""
    total = sum(int(d) * int(w) for d, w in zip(first17, ID_WEIGHTS))
    return CHECK_CHARS[total % 11]


class IdNumberMaker:
    """Makes unique fake ID numbers: one counter per birth date keeps sequences distinct."""

    def __init__(self, rng: np.random.Generator):
        days = BIRTH_LAST - BIRTH_FIRST + 1
        self._start = rng.integers(0, 1000, size=days)
        self._used = np.zeros(days, dtype=np.int64)

    def make(self, count: int, rng: np.random.Generator) -> list[str]:
        """count ID numbers with region 429999 and birth dates 1940-2000."""
        if count == 0:
            return []
        day = rng.integers(0, BIRTH_LAST - BIRTH_FIRST + 1, size=count)
        order = np.argsort(day, kind="stable")
        sorted_day = day[order]
        group_start = np.r_[0, np.flatnonzero(np.diff(sorted_day)) + 1]
        group_size = np.diff(np.r_[group_start, count])
        rank_sorted = np.arange(count) - np.repeat(group_start, group_size)
        rank = np.empty(count, dtype=np.int64)
        rank[order] = rank_sorted
        sequence = (self._start[day] + self._used[day] + rank) % 1000
        np.add.at(self._used, day, 1)
        births = [dt.date.fromordinal(BIRTH_FIRST + d).strftime("%Y%m%d") for d in day.tolist()]
        first17 = [f"{REGION_CODE}{b}{s:03d}" for b, s in zip(births, sequence.tolist())]
        digits = np.frombuffer("".join(first17).encode("ascii"), dtype=np.uint8).reshape(count, 17) - 48
        checks = (digits.astype(np.int64) @ ID_WEIGHTS) % 11
        return [f + CHECK_CHARS[c] for f, c in zip(first17, checks.tolist())]


def phones(count: int, rng: np.random.Generator) -> list[str]:
    """11-digit mobile numbers starting 13x, 15x or 18x."""
    prefix = rng.integers(0, len(PHONE_PREFIXES), size=count)
    rest = rng.integers(0, 100_000_000, size=count)
    return [f"{PHONE_PREFIXES[p]}{r:08d}" for p, r in zip(prefix.tolist(), rest.tolist())]
