"""The domain rules of seed 003 as code: monitoring reasons, elimination criteria, procedural
rules, early warnings. Pure Python over query results; no Streamlit, no SQL."""
