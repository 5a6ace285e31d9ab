"""Every file the app hands out goes through here: made when it is clicked, logged right then.

A download button given bytes registers them as a media file as soon as the page is drawn, and the
`/media/…` link serves them to anyone who has it, before any click and without a session. Given a
function instead, Streamlit stores nothing until the viewer clicks; the function then makes the
file and writes the audit entry, and no entry means no file.
"""

from __future__ import annotations

from typing import Callable

import pandas as pd
import streamlit as st

ExportLog = Callable[[str], bool]  # records "what was exported"; False when the entry was not written
CSV_MIME = "text/csv"


class ExportNotLogged(RuntimeError):
    """The audit entry of an export could not be written, so the file is not handed out."""


def logged_file(make: Callable[[], bytes], log: ExportLog, what: str) -> Callable[[], bytes]:
    """A function that makes the file and logs its export (in that order: a failed file is no export)."""
    def produce() -> bytes:
        data = make()
        if not log(what):
            raise ExportNotLogged(what)
        return data

    return produce


def csv_bytes(table: pd.DataFrame) -> bytes:
    """A table as CSV with a byte-order mark, so spreadsheet programs read the Chinese correctly."""
    return table.to_csv(index=False).encode("utf-8-sig")


def render_download(label: str, make: Callable[[], bytes], file_name: str, mime: str, key: str,
                    log: ExportLog, what: str, **options: object) -> None:
    """A download button whose file is made and logged on click (options go to st.download_button)."""
    st.download_button(label, logged_file(make, log, what), file_name=file_name, mime=mime, key=key,
                       on_click="ignore", **options)


def render_csv_download(label: str, table: pd.DataFrame, file_name: str, key: str, log: ExportLog,
                        **options: object) -> None:
    """A table's CSV download, made and logged on click."""
    render_download(label, lambda: csv_bytes(table), file_name, CSV_MIME, key, log, f"csv: {file_name}", **options)
