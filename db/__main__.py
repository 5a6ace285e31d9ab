"""Command line: `python -m db init|import-tasks|import-areas|import-boundaries|import-income … --db URL`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from db.engine import configured_url, make_engine, safe_url
from db.schema import metadata
from db.upgrade import ensure_indexes, upgrade  # noqa: F401  (ensure_indexes: kept importable from here)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m db", description="Monitoring database tools")
    commands = parser.add_subparsers(dest="command", required=True)
    init = commands.add_parser("init", help="create every table and index (idempotent)")
    init.add_argument("--db", default=None, help="SQLAlchemy URL (default: $DASHBOARD_DB_URL or data/monitoring.db)")
    init.add_argument("--drop", action="store_true", help="drop existing tables first")
    commands.add_parser("hash-password", help="print a password hash for the users file (asks for the password)")
    grant = commands.add_parser("grant-app-role", help="create the app's database role: read all, append audit")
    grant.add_argument("--db", default=None, help="an administrator's SQLAlchemy URL (PostgreSQL or MariaDB)")
    grant.add_argument("--role", default="dashboard_app", help="the role (user) the app connects as")
    grant.add_argument("--password", default=None, help="its password (default: asked for)")
    grant.add_argument("--host", default="%", help="MariaDB/MySQL: hosts it may connect from")
    grant.add_argument("--print", action="store_true", help="print the SQL instead of running it")
    tasks = commands.add_parser("import-tasks", help="load a responsibility matrix (.csv or .xlsx); all or nothing")
    tasks.add_argument("file", type=Path, help="matrix with columns 序号, 重点工作, 牵头单位, 责任单位 [, 工作内容]")
    tasks.add_argument("--db", default=None, help="SQLAlchemy URL (default: $DASHBOARD_DB_URL or data/monitoring.db)")
    tasks.add_argument("--area", default=None, help="area code the tasks belong to (default: the top area)")
    ledger = commands.add_parser("import-ledger", help="load national monitoring system exports (one row per person)")
    ledger.add_argument("files", type=Path, nargs="+", help=".xlsx, .xls or .csv exports, oldest first")
    ledger.add_argument("--db", default=None, help="SQLAlchemy URL (default: $DASHBOARD_DB_URL or data/monitoring.db)")
    ledger.add_argument("--asof", type=_date, default=None,
                        help="the export date, YYYY-MM-DD (required when no title line states it)")
    ledger.add_argument("--check", action="store_true", help="check only: list every problem, write nothing")
    ledger.add_argument("--by", default=None, help="who imports (recorded with the batch; default: the OS user)")
    areas = commands.add_parser("import-areas", help="load a 统计用区划代码 list (.csv UTF-8/GBK or .xlsx); all or nothing")
    areas.add_argument("file", type=Path, help="list with columns 统计用区划代码, 名称 [, 城乡分类代码, 户数]")
    _import_options(areas)
    bounds = commands.add_parser("import-boundaries", help="load boundaries (zipped shapefile, .shp, .gpkg, .geojson)")
    bounds.add_argument("file", type=Path, help="boundary file, e.g. 三调 村级调查区 with ZLDWDM/ZLDWMC")
    bounds.add_argument("--level", required=True, choices=("village", "township", "county"),
                        help="the level of the areas the features outline")
    bounds.add_argument("--code-field", default=None, help="field holding the area code (default: guessed)")
    bounds.add_argument("--name-field", default=None, help="field holding the area name (default: guessed)")
    bounds.add_argument("--crs", default=None, help="CRS when the file declares none, e.g. EPSG:4527")
    bounds.add_argument("--layer", default=None, help="layer of a GeoPackage or zip (default: the only polygon layer)")
    bounds.add_argument("--tolerance", type=float, default=100.0,
                        help="report gaps and overlaps between neighbours larger than this many m² (default 100)")
    _import_options(bounds)
    signals = commands.add_parser("import-signals", help="load one department's data for comparison (数据比对)")
    signals.add_argument("file", type=Path, help=".xlsx or .csv with 证件号码, 发生日期 [, 事项, 金额]")
    signals.add_argument("--department", required=True,
                         help="medical, health, civil, disability, education, emergency, hrss, housing, police")
    signals.add_argument("--received", type=_date, default=None, help="the date the file was received (default: today)")
    signals.add_argument("--area", default=None,
                         help="code of the area the file was received for (default: the database's only county)")
    _import_options(signals)
    income = commands.add_parser("import-income", help="load published rural income series (national or an area's)")
    income.add_argument("file", type=Path, help=".csv or .xlsx with 年份, 农村居民人均可支配收入, 来源 [, 区划代码]")
    income.add_argument("--area", default=None, help="area code for rows without one (default: a benchmark series)")
    income.add_argument("--series", default="national_rural",
                        help="benchmark series for rows without an area (default: national_rural)")
    _import_options(income)
    rollups = commands.add_parser("refresh-rollups", help="rebuild the rollup tables pages above village level read")
    rollups.add_argument("--db", default=None, help="SQLAlchemy URL (default: $DASHBOARD_DB_URL or data/monitoring.db)")
    rollups.add_argument("--asof", type=_date, action="append", default=None, metavar="YYYY-MM-DD",
                         help="a day to count warnings for (repeatable; default: today and a week back)")
    check = commands.add_parser("check", help="health check for systemd/nginx: database usable, Leaflet files present")
    check.add_argument("--db", default=None, help="SQLAlchemy URL (default: $DASHBOARD_DB_URL or data/monitoring.db)")
    args = parser.parse_args(argv)
    if args.command == "check":
        return _health_check(args.db or configured_url())
    if args.command in ("hash-password", "grant-app-role"):
        return _access_command(args)

    url = args.db or configured_url()
    if args.command == "init":
        engine = make_engine(url)
        if args.drop:
            metadata.drop_all(engine)
        columns, added = upgrade(engine)
        print(f"schema ready: {safe_url(url)} ({len(metadata.tables)} tables, {columns} columns added, "
              f"{added} indexes added)")
    elif args.command == "refresh-rollups":
        from db.rollups import rebuild

        engine = make_engine(url)
        try:
            done = rebuild(engine, days=args.asof)
        finally:
            engine.dispose()
        print(f"rollups rebuilt: {safe_url(url)} ({done['rows']} rows, {done['seconds']} s)")
    elif args.command == "import-tasks":
        return _import_tasks(url, args.file, args.area)
    elif args.command == "import-ledger":
        return _import_ledger(url, args)
    elif args.command in ("import-areas", "import-boundaries", "import-signals", "import-income"):
        return _import_file(url, args)
    return 0


def _import_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--db", default=None, help="SQLAlchemy URL (default: $DASHBOARD_DB_URL or data/monitoring.db)")
    command.add_argument("--check", action="store_true", help="check only: list every problem, write nothing")
    command.add_argument("--by", default=None, help="who imports (default: the login name)")


def _import_file(url: str, args: argparse.Namespace) -> int:
    """Run an import command, print its Chinese summary; 0 when done or clean, 2 when refused."""
    import getpass

    engine = make_engine(url)
    try:
        by = args.by or getpass.getuser()
    except (OSError, KeyError):  # no login name in a bare container
        by = None
    try:
        if args.command == "import-signals":
            from db.imports.signals import DEPARTMENT_ALIASES, DEPARTMENTS, import_signals

            if DEPARTMENT_ALIASES.get(args.department, args.department) not in DEPARTMENTS:
                print(f"unknown department {args.department}; known: {', '.join(DEPARTMENTS)}", file=sys.stderr)
                return 2
            summary = import_signals(engine, args.file, args.department, received=args.received,
                                     check=args.check, imported_by=by, area_code=args.area)
        elif args.command == "import-income":
            from db.imports.income import IncomeOptions, import_income

            summary = import_income(engine, args.file, IncomeOptions(area=args.area, series=args.series),
                                    check=args.check, imported_by=by)
        elif args.command == "import-areas":
            from db.imports.areas import import_areas

            summary = import_areas(engine, args.file, check=args.check, imported_by=by)
        else:
            from db.imports.boundaries import BoundaryOptions, import_boundaries

            options = BoundaryOptions(level=args.level, code_field=args.code_field, name_field=args.name_field,
                                      crs=args.crs, layer=args.layer, tolerance_m2=args.tolerance)
            summary = import_boundaries(engine, args.file, options, check=args.check, imported_by=by)
    finally:
        engine.dispose()
    print(summary.text())
    return summary.exit_code


def _date(value: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("YYYY-MM-DD") from None


def _import_ledger(url: str, args: argparse.Namespace) -> int:
    """Import each export in turn; print its summary; 2 when any file is refused."""
    import getpass

    from db.imports.ledger import import_ledger

    engine = make_engine(url)
    worst = 0
    try:
        for path in args.files:
            print(path.name, file=sys.stderr)
            summary = import_ledger(engine, path, asof=args.asof, check=args.check,
                                    imported_by=args.by or getpass.getuser(), progress=_progress_bar())
            print(file=sys.stderr)
            print(summary.text())
            worst = max(worst, summary.exit_code, 2 if summary.errors else 0)  # a failed check exits 2 too
    finally:
        engine.dispose()
    return worst


def _progress_bar():
    """A one-line bar on stderr, redrawn when the whole percent or the stage changes."""
    last: list = [None]

    def show(share: float, stage: str) -> None:
        key = (int(share * 100), stage)
        if key != last[0]:
            last[0] = key
            filled = int(share * 30)
            print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {share * 100:5.1f}% {stage}", end="",
                  file=sys.stderr, flush=True)

    return show


def _import_tasks(url: str, path: Path, area_code: str | None) -> int:
    """Import a matrix; print every problem (in Chinese, with row numbers) and return 1 if any."""
    from db.task_import import ImportRejected, import_tasks

    engine = make_engine(url)
    try:
        summary = import_tasks(engine, path, area_code)
    except ImportRejected as rejected:
        for message in rejected.messages:
            print(message, file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(summary.message())
    return 0


def _access_command(args: argparse.Namespace) -> int:
    import getpass

    from db.passwords import hash_password
    from db.app_role import grant_app_role, grant_statements

    if args.command == "hash-password":
        # From a pipe (scripts) read one line; at a terminal ask twice without echo.
        password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass("password: ")
        if sys.stdin.isatty() and getpass.getpass("again: ") != password:
            print("passwords differ", file=sys.stderr)
            return 2
        if not password:
            print("empty password", file=sys.stderr)
            return 2
        print(hash_password(password))
        return 0
    engine = make_engine(args.db or configured_url())
    password = args.password or getpass.getpass(f"password for {args.role}: ")
    try:
        if args.print:
            print(";\n".join(grant_statements(engine, args.role, password, args.host)) + ";")
        else:
            count = grant_app_role(engine, args.role, password, args.host)
            print(f"app role {args.role} ready on {safe_url(engine.url.render_as_string())} ({count} statements)")
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


def _health_check(url: str) -> int:
    """Print what the app lacks (one line each, never a password) and exit 1, or print "ok" and exit 0.

    Streamlit's /_stcore/health only says the process answers; this says whether it can serve pages.
    """
    from db.engine import check_database
    from geo.offline_map import missing_local_assets

    problems = []
    health = check_database(url)
    if not health.ok:
        problems.append(f"database {safe_url(url)}: {health.problem} {health.detail or ' '.join(health.missing)}")
    missing = missing_local_assets()
    if missing:
        problems.append(f"{len(missing)} Leaflet file(s) missing, e.g. {missing[0]}: run `make assets`")
    for problem in problems:
        print(problem.strip(), file=sys.stderr)
    print("ok" if not problems else "not ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

