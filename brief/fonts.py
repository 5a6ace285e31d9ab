"""Fonts for the documents: the East Asian typeface slides name, and a TrueType font PDFs embed."""

from __future__ import annotations

from pathlib import Path

# Slides name the font; the viewer's machine supplies it (Debian: fonts-noto-cjk). Set as both the
# Latin and the East Asian (a:ea) typeface, so no run falls back to a font without Chinese glyphs.
SLIDE_FONT = "Noto Sans CJK SC"
# The PDF embeds a subset of the font itself. fonts-noto-cjk ships CFF collections (.ttc) that PDF
# libraries cannot subset; Droid Sans Fallback (Debian fonts-droid-fallback) is a plain TrueType
# file with the whole of GB 2312 and more.
PDF_FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttf"),
    Path("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"),
)


# Droid Sans Fallback has no Latin digits or punctuation: those glyphs come from DejaVu Sans
# (Debian fonts-dejavu-core), which the PDF uses wherever the CJK font lacks a glyph.
LATIN_FONT_CANDIDATES = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),)


class FontMissing(RuntimeError):
    """No CJK TrueType font to embed in the PDF is installed."""


def _first(candidates: tuple[Path, ...]) -> Path:
    for path in candidates:
        if path.is_file():
            return path
    raise FontMissing(", ".join(str(path) for path in candidates))


def pdf_fonts() -> tuple[Path, Path]:
    """The CJK TrueType font and the Latin one that fills its gaps (FontMissing if either is absent)."""
    return _first(PDF_FONT_CANDIDATES), _first(LATIN_FONT_CANDIDATES)
