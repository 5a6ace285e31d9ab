"""The shared sidebar: who is signed in (or the sample role switcher), area picker, the "as of" date."""

from __future__ import annotations

from datetime import date

from typing import Callable

import pandas as pd
import streamlit as st

from labels import label_of, t
from components.state import Keys
from components.text import md_escape
from components.url_params import FIRST_DAY, asof_param
from components.url_state import set_params
from queries.areas import children


def _go_to_area(widget_key: str, parent_code: str) -> None:
    # Picking "(全部)" at a level means the parent area itself.
    chosen = st.session_state[widget_key]
    set_params({"area": chosen or parent_code}, drop=("household",))


def _switch_sample_role() -> None:
    # Another role has another scope: an area or household of the previous one would only be refused.
    st.session_state.pop(Keys.REMEMBERED_AREA, None)
    set_params({}, drop=("area", "household", "unit"))


def render_sample_switcher(roles: list[str], current: str) -> None:
    """The 示例模式 banner and the role switcher: anyone can see what each role sees."""
    st.info(t("auth.sample_banner"))  # info, not warning: warnings are for problems with the request
    st.session_state[Keys.SAMPLE_ROLE] = current
    st.selectbox(t("auth.sample_role"), roles, key=Keys.SAMPLE_ROLE, on_change=_switch_sample_role,
                 format_func=lambda code: t(f"user_role.{code}"), help=t("auth.sample_role_help"))


def render_signed_in(display_name: str, role: str, on_sign_out: Callable[[], None]) -> None:
    """Who is signed in, their role, and the sign-out button."""
    st.caption(t("auth.signed_in_as", name=md_escape(display_name), role=t(f"user_role.{role}")))
    st.button(t("auth.sign_out"), on_click=on_sign_out, key=Keys.SIGN_OUT_BUTTON)


def _go_to_root() -> None:
    set_params({"area": st.session_state[Keys.ROOT_PICKER]}, drop=("household",))


def render_area_picker(tree: pd.DataFrame, chain: list[str], roots: list[str] | None = None) -> None:
    """One select box per level below the top area, following the current chain.

    A viewer assigned several areas (a case officer's villages) first picks one of them.
    """
    st.markdown(f"**{t('app.area')}**")
    if roots and len(roots) > 1:
        st.session_state[Keys.ROOT_PICKER] = chain[0]
        names = dict(zip(tree["code"], tree["name"]))
        st.selectbox(t("auth.my_areas"), roots, key=Keys.ROOT_PICKER, on_change=_go_to_root,
                     format_func=lambda code: names.get(code, code))
    top = tree.loc[chain[0]]
    st.caption(f"{md_escape(top['name'])}（{label_of('level', top['level'])}）")
    for depth, parent_code in enumerate(chain):
        options = children(tree, parent_code)
        if options.empty:
            break
        level = options["level"].iloc[0]
        key = Keys.AREA_PICKER.format(level=level)
        codes = [""] + options["code"].tolist()
        names = dict(zip(options["code"], options["name"]))
        current = chain[depth + 1] if depth + 1 < len(chain) else ""
        st.session_state[key] = current if current in names else ""
        st.selectbox(label_of("level", level), codes, key=key,
                     format_func=lambda code, names=names: names.get(code, t("app.area_all")),
                     on_change=_go_to_area, args=(key, parent_code))
        if not current:
            break


def _set_asof() -> None:
    value = asof_param(st.session_state[Keys.ASOF_PICKER], date.today())
    # Update the remembered date too: otherwise an omitted asof (today) would be "restored" to the old one.
    st.session_state[Keys.REMEMBERED_ASOF] = value
    set_params({"asof": value})


def render_asof_picker(asof: date, today: date) -> None:
    """The "as of" date picker; the URL's asof follows it (omitted when it is today)."""
    st.session_state[Keys.ASOF_PICKER] = asof
    st.date_input(t("app.asof"), key=Keys.ASOF_PICKER, min_value=FIRST_DAY, max_value=today,
                  help=t("app.asof_help"), on_change=_set_asof, format="YYYY-MM-DD")
