"""File importers: one module of readers and validators per source, handing checked rows to db/.

Every importer reports problems by the file's own sheet, row number (as the spreadsheet shows it)
and column, writes all or nothing, and records each attempt in import_batch / import_problem
through `db.imports.batch.record_batch`.
"""
