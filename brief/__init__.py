"""Briefing packs (汇报材料): scoped sections with commentary, written as PPTX, PDF and XLSX."""
