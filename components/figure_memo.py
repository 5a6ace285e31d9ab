"""Built plotly figures kept by the numbers they were built from: a rerun with the same numbers reuses them.

Building a figure is mostly plotly validating every property it is given (the trends page's eight
charts took about as long as all its queries from the cache). Pages rerun on every click and every
session of a township asks for the same figures, so a figure is built once per distinct input and
handed to st.plotly_chart again, which only reads it (it serialises a copy). The key is the inputs'
content, not their identity: the query cache hands out copies, and a figure can never outlive the
numbers it shows. Only render sites use this; builders stay pure and the briefing packs, which may
restyle a figure, build their own.
"""

from __future__ import annotations

import hashlib
import pickle
from typing import Any, Callable

import pandas as pd
import plotly.graph_objects as go

from queries.gateway import DATA_TTL_SECONDS, registered_cache

MAX_FIGURES = 256  # a few hundred KB each at most: the figures of a few dozen areas and periods
_figures = registered_cache(DATA_TTL_SECONDS, MAX_FIGURES)  # cleared with the queries' (a cold bench)


def fingerprint(values: tuple) -> str:
    """A digest of values' content: frames by their columns, types, index and cells; the rest pickled."""
    digest = hashlib.blake2b(digest_size=20)
    for value in values:
        if isinstance(value, (pd.DataFrame, pd.Series)):
            digest.update(pickle.dumps((type(value).__name__, value.shape, _labels(value))))
            try:
                digest.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
            except TypeError:  # unhashable cells (lists, dicts): their pickled bytes stand for them
                digest.update(pickle.dumps(value))
        else:
            digest.update(pickle.dumps(value))
        digest.update(b"\x00")
    return digest.hexdigest()


def _labels(frame: pd.DataFrame | pd.Series) -> tuple:
    if isinstance(frame, pd.Series):
        return (frame.name, str(frame.dtype), tuple(frame.index.names))
    return (tuple(frame.columns), tuple(str(dtype) for dtype in frame.dtypes), tuple(frame.index.names))


def memo_figure(build: Callable[..., go.Figure], *args: Any) -> go.Figure:
    """build(*args), or the figure built before from equal arguments. Never change what it returns."""
    key = (build.__module__, build.__qualname__, fingerprint(args))
    found, figure = _figures.get(key)
    if not found:
        figure = build(*args)
        _figures.put(key, figure)
    return figure  # type: ignore[return-value]
