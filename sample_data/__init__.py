"""The fictional sample county 示例县: deterministic demo data for every table of the schema."""
