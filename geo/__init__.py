"""Boundaries: load, validate, simplify and cache area geometry; offline map assets."""
