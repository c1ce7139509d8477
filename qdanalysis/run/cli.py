"""Command line: ``qdanalysis validate | ingest | summary | template | new-year | export | draft | run | demo``.

A user's bad file never produces a traceback: problems are printed as
``file:sheet:row:column: message`` and the exit status is 1; 2 is a usage error.
"""

from __future__ import annotations

import argparse
import errno
import os
import re
import sys
from pathlib import Path

from qdanalysis import __version__
from qdanalysis.domain import is_year_name
from qdanalysis.errors import Problem, QdanalysisError, ValidationError, display_path
from qdanalysis.paths import DATA_RAW
from qdanalysis.run.argparse_zh import ChineseParser, chinese
from qdanalysis.run.report_client import served

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def year_arg(text: str) -> int:
    """A year as typed on the command line: four digits (``20`` is refused rather than taken for the year 20)."""
    value = text.strip()
    if not (len(value) == 4 and value.isascii() and value.isdigit()) or not 1900 <= int(value) <= 2100:
        raise argparse.ArgumentTypeError(f"年份「{text}」应写四位数字，如 2020")
    return int(value)


def _visible(text: str) -> str:
    """Control characters from a user's file shown as symbols: a cell must not drive the terminal."""
    return _CONTROL.sub(lambda m: chr(0x2400 + ord(m.group())) if m.group() < " " else "\u2421", text)


def _print_problems(problems: list[Problem], stream=None) -> None:
    stream = stream or sys.stdout
    for p in problems:
        hint = f"（{p.hint}）" if p.hint else ""
        print(_visible(f"{p.location()}: {p.message}{hint}"), file=stream)


def _year_of(path: Path) -> int | None:
    """The year a path belongs to, from its folder (``data/raw/2021/`` or a workbook in it)."""
    for part in (path.name, path.parent.name):
        if is_year_name(part):
            return int(part)
    return None


def _year_checks(folder: Path, year: int, scoring, has_record: bool) -> tuple[list[Problem], list[str]]:
    """What ``run``, ``summary`` and ``draft`` check beyond each sheet, for a year's folder whose sheets
    passed: the year's params file, the scoring table, and the 评价记录 against it. Returns the
    problems and the notes (which scoring table, which params file)."""
    from qdanalysis.run.params import load_params, param_file_for
    from qdanalysis.run.pipeline import analysed_year

    problems: list[Problem] = []
    notes: list[str] = []
    try:
        analysis = analysed_year(year, folder.parent, scoring)
    except ValidationError as err:
        problems.extend(err.problems)
    else:
        prior = _prior_note(folder, year, analysis.followup)
        if prior:
            notes.append(prior)
        table = analysis.scoring
        if table is not None:
            file = Path(table.file).resolve() if table.file else None
            package = Path(__file__).resolve().parent.parent
            source = ("预置评分表" if file is None else f"预置评分表 {file.stem}" if package in file.parents
                      else display_path(file))
            notes.append(f"评分表：{source}（{table.name}）" + ("；评价记录与之相符" if has_record else ""))
    params = param_file_for(year)
    if folder.resolve().parent == DATA_RAW.resolve():  # the years `run --year` finds by their params file
        if params.exists():
            try:
                load_params(params)
            except ValidationError as err:
                problems.extend(err.problems)
        else:
            notes.append(f"还没有 {display_path(params)}：生成报告前请用 qdanalysis new-year {year} --params-only 生成")
    return problems, notes


def _years_hint(root: Path | None) -> str:
    """``（已有年度：2020、2021）`` from the year folders under ``root`` (default data/raw), or ""."""
    from qdanalysis.run.pipeline import year_folders

    years = year_folders(Path(root) if root is not None else DATA_RAW)
    return f"（已有年度：{'、'.join(map(str, years))}）" if years else ""


def cmd_validate(args) -> int:
    from qdanalysis.paths import year_folder
    from qdanalysis.read.inputs import read_inputs

    status = EXIT_OK
    paths = list(args.paths)
    if not paths:
        if args.year is None:
            print("请给出要校验的工作簿或文件夹，或用 --year 校验某一年度的数据文件夹", file=sys.stderr)
            return EXIT_USAGE
        paths = [year_folder(args.year, args.root)]
        if not paths[0].is_dir():
            print(f"{display_path(paths[0])}: 找不到{args.year}年的数据文件夹{_years_hint(args.root)}", file=sys.stderr)
            return EXIT_USAGE
    for path in paths:
        if not Path(path).exists():
            print(f"{path}: 找不到该文件或文件夹", file=sys.stderr)
            return EXIT_USAGE
    for path in paths:
        year = args.year if args.year is not None else _year_of(Path(path).resolve())
        folder = Path(path).is_dir()  # a year's folder must hold the required tables; one workbook may hold a few
        found = read_inputs(path, year, require=folder, keep=False)
        problems = list(found.problems)
        if folder and not problems and found.rows.get("decisions") and year is not None:
            problems = _decision_problems(Path(path), year)
        if not found.rows and not problems:
            problems.append(Problem(display_path(path), "", None, "", "没有找到任何可识别的表",
                                    "请参照 `qdanalysis template` 生成的模板填写表头"))
        year_notes: list[str] = []
        if not problems and folder and year is not None and Path(path).resolve().name == str(year):
            problems, year_notes = _year_checks(Path(path).resolve(), year, _scoring_arg(args), "record" in found.rows)
        if problems:
            _print_problems(problems)
            status = EXIT_PROBLEMS
        else:
            from qdanalysis.read.inputs import BY_NAME

            tables = "，".join(f"{BY_NAME[name].title}{rows}行" for name, rows in found.rows.items())
            print(f"{display_path(path)}: 通过校验（{tables}）")
            for note in found.notes:
                print(f"  注：{note}")
            for sheet in found.unused:
                print(f"  未使用的工作表：{sheet}")
            optional = [t.title for t in found.missing if not t.required]
            if any(n.endswith(PRIOR_FROM_FOLDER) for n in year_notes):  # the year before's problems: from its folder
                from qdanalysis.read.schema import PRIOR_PROBLEMS

                optional = [t for t in optional if t != PRIOR_PROBLEMS.title]
            if optional:
                print(f"  注：未提供（选填）：{'、'.join(optional)}")
            blank = [f"{BY_NAME[name].title} " + "、".join(f"{label}{n}行" for label, n in counts.items())
                     for name, counts in found.blank.items() if counts]
            if blank:
                print(f"  空白（按未披露处理，不是错误；已掌握的请补填，不要填 0）：{'；'.join(blank)}")
            for note in year_notes:
                print(f"  {note}")
        _print_skipped(path)
    return status


#: How validate ends its note that the year before's problems come from its data folder beside this one.
PRIOR_FROM_FOLDER = "，不需要“上年主要问题”表"


def _beside(folder: Path, year: int) -> Path | None:
    """The year before's data folder beside ``folder`` (the year's), None when there is none."""
    before = folder.parent / str(year - 1)
    return before if before.is_dir() else None


def _prior_note(folder: Path, year: int, followup) -> str | None:
    """Where the year before's problems come from, when its data folder is beside this one: that folder (no
    上年主要问题 sheet is needed), or, its data refused, what was refused and what the report uses instead."""
    from qdanalysis.present.sections.followup import SOURCE_WORDS

    before = _beside(folder, year)
    if before is None:
        return None
    unread = getattr(followup, "unread", None)
    if unread is None:
        return f"注：上年（{year - 1}年）的问题取自其数据文件夹 {display_path(before)}/{PRIOR_FROM_FOLDER}"
    more = f"共{unread.count}处问题，" if unread.count > 1 else ""
    instead = (f"报告的上年问题整改情况改据{SOURCE_WORDS[followup.source]}列示" if followup.source
               else "报告将说明上年问题的整改情况无法列示（本年度文件夹中也没有“上年主要问题”表或“整改情况”记录）")
    return (f"注：上年（{year - 1}年）的数据文件夹 {display_path(before)}/ 未能读取（首个问题："
            f"{unread.first.location()}: {unread.first.message}；{more}全部问题请运行 {unread.command} 查看），{instead}")


def _decision_problems(folder: Path, year: int) -> list[Problem]:
    """The 发现处理 sheet against the year's findings (a 编号 no finding has): the year is analysed for it."""
    from qdanalysis.analyse.engine import analyse
    from qdanalysis.read.year import load_year

    if folder.resolve().name != str(year):
        return []
    try:
        analyse(load_year(year, folder.resolve().parent, processed=False))
    except ValidationError as err:
        return list(err.problems)
    return []


def _print_skipped(folder: str | Path) -> None:
    """A note for each file of a folder that is not read: why, and how to convert it."""
    from qdanalysis.read.folder import skipped_files

    for skipped in skipped_files(folder):
        print(_visible(f"  注：未读取 {skipped.text()}"))


def cmd_ingest(args) -> int:
    from qdanalysis.run.ingest import ingest

    result = ingest(args.year, args.root, args.out, force=args.force)
    verb = "未变化，跳过" if result.skipped else "已写入"
    tables = "，".join(f"{k} {v['rows']}行" for k, v in result.manifest["tables"].items())
    print(f"{result.year}年：{verb} {display_path(result.out_dir)}（{tables}）")
    from qdanalysis.paths import year_folder

    _print_skipped(year_folder(result.year, args.root))
    return EXIT_OK


def _scoring_arg(args) -> str | Path:
    """``--scoring``: a preset's name as it is; a file relative to where the user is."""
    from qdanalysis.analyse.scoring_presets import PRESETS

    if not args.scoring:
        return ""
    return str(args.scoring) if str(args.scoring) in PRESETS else args.scoring.resolve()


def cmd_summary(args) -> int:
    from qdanalysis.present.summary import year_summary
    from qdanalysis.run.pipeline import analysed_year

    root = args.root.resolve() if args.root else None
    print(year_summary(analysed_year(args.year, root, _scoring_arg(args))))
    return EXIT_OK


def cmd_template(args) -> int:
    from qdanalysis.analyse.followup import Unread
    from qdanalysis.run.template_year import write_year_template

    made = write_year_template(args.out, args.year, args.root.resolve() if args.root else None, _scoring_arg(args),
                               force=args.force)
    if made.backup is not None:
        print(f"原文件已先另存为：{display_path(made.backup)}")
    print(f"已生成模板：{display_path(made.path)}")
    table, prior = made.table, made.prior
    if table is not None:
        print(f"评价记录表已按评分表“{table.name}”列出 {len(table.indicators)} 个指标（{display_path(table.file) if table.file else ''}）")
    if made.decisions:
        print(f"发现处理表已列出本年度数据分析发现的 {made.decisions} 个问题（编号、系统发现），由评价组逐条填写处理意见")
    if made.followed:
        print(f"整改情况表已列出{prior.year}年评价发现的 {made.followed} 个问题（问题编号、上年问题、类别），"
              "由评价组逐条填写整改状态、整改措施和佐证")
    elif isinstance(prior, Unread):
        print(f"整改情况表未预填：{prior.year}年的数据未能读取（首个问题：{prior.first.location()}: {prior.first.message}；"
              f"全部问题请运行 {prior.command} 查看）")
    return EXIT_OK


def cmd_new_year(args) -> int:
    from qdanalysis.run.new_year import new_year

    made = new_year(args.year, args.source, args.root, args.params_dir, empty=args.empty, params_only=args.params_only)
    how = (f"由 {display_path(made.params_from)} 复制，year 和标题中的年份改为{made.year}"
           if made.params_from is not None else "上一年度没有参数文件，按默认值生成")
    if made.workbook is None:
        print(f"已生成参数文件：{display_path(made.params)}（{how}；报告标题“{made.title}”）；"
              f"数据文件夹 {display_path(made.folder)}/ 未改动")
        print(_scoring_said(made))
        print(f"校验：qdanalysis validate {display_path(made.folder)}/")
        print(f"生成报告：qdanalysis run --year {made.year}{made.root_option}")
        return EXIT_OK
    source = f"（由{made.source}年数据预填）" if made.source is not None else "（空白模板）"
    print(f"已建立{made.year}年度{source}{'，' + DEMO_NOTICE if made.demo else ''}：")
    print(f"  参数文件：{display_path(made.params)}（{how}；报告标题“{made.title}”）")
    print(_scoring_said(made))
    print(f"  数据文件夹：{display_path(made.folder)}/")
    print(f"  工作簿：{display_path(made.workbook)}")
    print("待填写（留空的单元格按未披露处理，不要填 0）：")
    for sheet in made.sheets:
        print(f"  {sheet.title}：{sheet.text}")
    if made.open_ended:
        print(f"  注：合同台账中以下合同未写服务结束日期，无法判断是否延续到{made.year}年，未预填："
              f"{'、'.join(made.open_ended)}（仍在履行的请补录）")
    print(f"填写完成后校验：qdanalysis validate {display_path(made.folder)}/")
    print(f"生成报告：qdanalysis run --year {made.year}{made.root_option}")
    return EXIT_OK


def _scoring_said(made) -> str:
    """Which scoring table the new year is scored against, and whether its weights are last year's."""
    if made.scoring_file is not None:
        return (f"  评分表：{display_path(made.scoring_file)}（由 {display_path(made.scoring_from)} 复制，"
                f"指标和分值沿用{made.source if made.source is not None else made.year - 1}年，只改了年份；"
                "本年指标或分值有调整的请修改该文件）")
    if made.scoring.endswith(f"scoring-{made.year}.yaml"):
        return f"  评分表：沿用已有的 {made.scoring}"
    return (f"  评分表：上一年度没有评分表文件（scoring-<年>.yaml），{made.year}年的评分表按绩效指标表生成"
            f"（评价记录现按{made.scoring}列出），各指标的分值由该表生成，与上一年度评分所用的分值可能不同；"
            f"要沿用固定的分值，请把评分表存为 {display_path(made.params.parent / f'scoring-{made.year}.yaml')}")


#: How new-year says that the year it made is illustrative data.
DEMO_NOTICE = "沿用示例数据，仍为示例数据（不是真实数据）"


def cmd_run(args) -> int:
    from qdanalysis.run.results import format_progress, format_summary
    from qdanalysis.run.runner import run_all, run_trends, run_year

    if args.jobs is not None and not (args.all or args.portfolio):
        print("--jobs 只能与 --all 或 --portfolio 一起使用", file=sys.stderr)
        return EXIT_USAGE
    if args.jobs is not None and args.jobs < 1:
        print("--jobs 必须是正整数", file=sys.stderr)
        return EXIT_USAGE
    if (args.force or args.only or args.no_overview or args.list) and not args.portfolio:
        print("--force、--only、--no-overview 和 --list 只能与 --portfolio 一起使用", file=sys.stderr)
        return EXIT_USAGE
    if args.list:
        import json

        from qdanalysis.run.portfolio import label_of, select
        from qdanalysis.run.portfolio_file import load_portfolio

        pairs = select(load_portfolio(args.portfolio), args.only)
        print(json.dumps([label_of(p, y) for p, y in pairs], ensure_ascii=False))
        return EXIT_OK
    if args.portfolio and args.pdf:
        print("--pdf 暂不能与 --portfolio 一起使用：请在项目组合运行后对单个年度使用 run --year … --pdf", file=sys.stderr)
        return EXIT_USAGE
    if args.portfolio:
        from qdanalysis.run.portfolio import run_portfolio

        results = run_portfolio(args.portfolio, args.out, args.jobs, force=args.force, only=args.only,
                                overview=not (args.no_overview or args.only))
    elif args.all:
        results = run_all(args.out, args.root, args.jobs, pdf=args.pdf)
    else:
        result = (run_trends(args.out, args.root, pdf=args.pdf) if args.trends
                  else run_year(args.year, args.out, args.root, pdf=args.pdf))
        results = [result]
        print(format_progress(result, 1, 1))
        print(format_summary(results))
    return EXIT_OK if all(r.ok for r in results) else EXIT_PROBLEMS


def cmd_overview(args) -> int:
    from qdanalysis.run.portfolio import write_portfolio_overview

    html, xlsx = write_portfolio_overview(args.portfolio, args.out)
    print(f"财政局总览：{display_path(html)}（表格另存为 {display_path(xlsx)}）")
    return EXIT_OK


def cmd_demo(args) -> int:
    from qdanalysis.demo.generate import generate_demo
    from qdanalysis.paths import DATA_RAW, PROJECT_ROOT

    if args.years is not None and args.projects is None:
        print("--years 只能与 --projects 一起使用", file=sys.stderr)
        return EXIT_USAGE
    default = "demo-portfolio" if args.projects is not None else "demo"
    out = args.out if args.out is not None else PROJECT_ROOT / "data" / default
    raw, target = DATA_RAW.resolve(), Path(out).resolve()
    if target == raw or raw in target.parents:
        raise QdanalysisError(f"示例数据不能写入 {display_path(out)}：data/raw/ 只存放真实的原始数据"
                              f"（请换一个文件夹，默认是 data/{default}/）")
    if args.projects is not None:
        return _demo_portfolio(args, Path(out))
    paths = generate_demo(Path(out))
    for path in paths:
        print(f"已生成示例数据：{display_path(path)}")
    print(f"共 {len(paths)} 个工作簿，全部为虚构的示例数据。"
          f"生成报告：qdanalysis run --all --root {display_path(out)}")
    return EXIT_OK


def _demo_portfolio(args, out: Path) -> int:
    from qdanalysis.demo.portfolio import PORTFOLIO_YEARS, generate_portfolio

    years = args.years if args.years is not None else PORTFOLIO_YEARS
    if not 1 <= args.projects <= 99 or not 1 <= years <= 5:
        print("--projects 应在 1 到 99 之间，--years 应在 1 到 5 之间", file=sys.stderr)
        return EXIT_USAGE
    portfolio, paths = generate_portfolio(out, args.projects, years)
    print(f"已生成示例项目组合：{display_path(portfolio)}（{args.projects} 个项目，每个 {years} 个年度，"
          f"共 {len(paths)} 个工作簿，全部为虚构的示例数据）")
    print(f"生成报告和总览：qdanalysis run --portfolio {display_path(portfolio)} --out reports/demo-portfolio")
    return EXIT_OK


def cmd_export(args) -> int:
    if args.out.suffix.lower() != ".xlsx":
        print(f"错误：导出文件应以 .xlsx 结尾：{args.out}（例如 {args.out.with_suffix('.xlsx').name}）", file=sys.stderr)
        return EXIT_PROBLEMS
    from qdanalysis.atomic import refuse_raw
    from qdanalysis.present.excel import write_workbook
    from qdanalysis.present.summary import score_line
    from qdanalysis.run.pipeline import analysed_year

    refuse_raw(args.out)  # at once, not after the analysis the write would have refused
    root = args.root.resolve() if args.root else None  # relative to where the user is, like ingest and run
    analysis = analysed_year(args.year, root, _scoring_arg(args))
    path = write_workbook(analysis, args.out)
    print(f"已导出：{display_path(path)}")
    print(score_line(analysis))
    return EXIT_OK


def cmd_draft(args) -> int:
    from qdanalysis.run.draft_command import draft  # the figures' process forked before the pipeline loads

    return draft(args, _scoring_arg)


#: The --scoring option of every command that scores a year.
SCORING_HELP = ("评分表（YAML 文件，或预置表名 third-party：评价指标体系，self-evaluation：单位自评结构，均按该年的"
                "绩效指标表生成）；默认 params/scoring-<年>.yaml，没有时为 third-party")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseParser(prog="qdanalysis", description="专项业务费绩效评价工作簿")
    with chinese():
        parser.add_argument("--version", action="version", version=f"qdanalysis {__version__}", help="显示版本号并退出")
    parser.add_argument("--debug", action="store_true", help="出错时显示完整的 Python 调用栈")
    sub = parser.add_subparsers(dest="command", required=True, title="命令", metavar="<命令>",
                                description="用 qdanalysis <命令> -h 查看各命令的用法")

    p = sub.add_parser("validate", help="校验工作簿，逐条列出问题（文件:工作表:行:列: 说明）",
                       description="校验工作簿或年度文件夹，逐条列出问题（文件:工作表:行:列: 说明），不写入任何文件。"
                                   "校验年度文件夹时，也按 run、summary、draft 的要求核对该年的参数文件、评分表和评价记录。",
                       epilog="示例：\n  qdanalysis validate --year 2021\n  qdanalysis validate data/raw/2021/\n"
                              "  qdanalysis validate 2021年专项业务费.xlsx --year 2021")
    p.add_argument("paths", nargs="*", help="工作簿（.xlsx）或存放工作簿的文件夹；不写时校验 --year 所指年度的数据文件夹")
    p.add_argument("--year", type=year_arg, default=None,
                   help="年度：不写路径时校验 <根目录>/<年>/；也是“1月”这类不写年份的月份所属的年度（默认取文件夹名）")
    p.add_argument("--root", type=Path, default=None, help="原始数据根目录（默认 data/raw），与 --year 一起使用")
    p.add_argument("--scoring", type=Path, default=None, help=SCORING_HELP)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("ingest", help="校验某年数据并写入 data/processed/<年>/",
                       description="校验某年的全部工作簿，通过后把各表写入 data/processed/<年>/；数据未变化时跳过。",
                       epilog="示例：\n  qdanalysis ingest --year 2020\n  qdanalysis ingest --year 2021 --root D:/评价/数据")
    p.add_argument("--year", type=year_arg, required=True, help="年度，如 2020（读取 <根目录>/<年>/）")
    p.add_argument("--root", type=Path, default=None, help="原始数据根目录（默认 data/raw）")
    p.add_argument("--out", type=Path, default=None, help="输出根目录（默认 data/processed）")
    p.add_argument("--force", action="store_true", help="即使数据未变化也重新处理")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("summary", help="打印某年数据摘要和评分结果",
                       description="在终端打印某年的预算、执行、各表行数、评分结果和数据核对提示。",
                       epilog="示例：\n  qdanalysis summary --year 2020\n  qdanalysis summary --year 2020 --scoring self-evaluation")
    p.add_argument("--year", type=year_arg, required=True, help="年度，如 2020")
    p.add_argument("--root", type=Path, default=None, help="原始数据根目录（默认 data/raw）")
    p.add_argument("--scoring", type=Path, default=None, help=SCORING_HELP)
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("export", help="把某年的分析表、评分表和主要问题导出为 Excel 工作簿",
                       description="把某年的分析表、绩效自评表、评分表、主要问题和数据核对导出为一个 Excel 工作簿（.xlsx）。",
                       epilog="示例：\n  qdanalysis export --year 2020 2020年分析.xlsx")
    p.add_argument("--year", type=year_arg, required=True, help="年度，如 2020")
    p.add_argument("out", type=Path, help="输出文件，如 2020年分析.xlsx")
    p.add_argument("--root", type=Path, default=None, help="原始数据根目录（默认 data/raw）")
    p.add_argument("--scoring", type=Path, default=None, help=SCORING_HELP)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("draft", help="生成绩效评价报告初稿（Word，按财预〔2020〕10号报告提纲）",
                       description="按财预〔2020〕10号的报告提纲生成绩效评价报告初稿（.docx）；需要评价组填写之处以"
                                   "【待评价组填写：…】标出。",
                       epilog="示例：\n  qdanalysis draft --year 2020\n  qdanalysis draft --year 2020 --template 本单位报告样式.docx")
    p.add_argument("--year", type=year_arg, required=True, help="年度")
    p.add_argument("--root", type=Path, default=None, help="原始数据根目录（默认 data/raw）")
    p.add_argument("--out", type=Path, default=None, help="输出目录（默认 reports/），文件写入 <目录>/<年>/")
    p.add_argument("--template", type=Path, default=None, help="参考样式文档（.docx），沿用其中的样式、页眉页脚")
    p.add_argument("--force", action="store_true",
                   help="初稿在上次生成后已被修改时仍重新生成（原文件先另存为带日期的备份）；不加时拒绝覆盖")
    p.add_argument("--scoring", type=Path, default=None, help=SCORING_HELP)
    p.set_defaults(func=cmd_draft)

    p = sub.add_parser("template", help="生成空白的数据填报模板",
                       description="生成数据填报模板：每类数据一张工作表，附填写说明；给出年度时评价记录表按该年的评分表列出各指标，"
                                   "整改情况表列出上一年度评价发现的问题（上一年度的数据文件夹在旁时）。已有的文件不覆盖（加 --force 时先备份）。",
                       epilog="示例：\n  qdanalysis template 模板.xlsx\n  qdanalysis template --year 2021 2021年模板.xlsx")
    p.add_argument("out", type=Path, help="输出文件，如 模板.xlsx")
    p.add_argument("--year", type=year_arg, default=None,
                   help="年度：标题写明年度，评价记录表按该年的评分表列出各指标")
    p.add_argument("--root", type=Path, default=None, help="原始数据根目录（默认 data/raw），用于读取该年的绩效指标表")
    p.add_argument("--scoring", type=Path, default=None,
                   help=SCORING_HELP)
    p.add_argument("--force", action="store_true",
                   help="输出文件已存在时仍重新生成（原文件先另存为带日期的备份）；不加时拒绝覆盖")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("new-year", help="新建一个年度：参数文件和按上一年度预填的数据工作簿",
                       description="新建一个年度：写入 params/<年>.yaml（由上一年度的参数文件复制，年份和标题随之修改），"
                                   "并新建 <根目录>/<年>/，其中的工作簿按上一年度的数据预填项目、绩效指标、线路和延续的合同，"
                                   "金额和实际完成值留空待填写。只新建，文件夹或参数文件已存在时拒绝。",
                       epilog="示例：\n  qdanalysis new-year 2021\n  qdanalysis new-year 2021 --from 2019\n"
                              "  qdanalysis new-year 2019 --empty")
    p.add_argument("year", type=year_arg, help="新年度，如 2021")
    p.add_argument("--from", dest="source", type=year_arg, default=None, metavar="年",
                   help="沿用哪一年的数据和参数文件（默认上一年）")
    p.add_argument("--root", type=Path, default=None,
                   help="原始数据根目录（默认取上一年度参数文件中的 data_root，没有时为 data/raw）")
    p.add_argument("--params-dir", type=Path, default=None, help="参数文件夹（默认 params/）")
    p.add_argument("--empty", action="store_true", help="没有可沿用的年度时，生成空白模板")
    p.add_argument("--params-only", action="store_true",
                   help="数据文件夹已经存在时，只生成参数文件（不改动该文件夹）")
    p.set_defaults(func=cmd_new_year)

    p = sub.add_parser("run", help="用 papermill 运行报告笔记本并导出离线 HTML（写入 reports/），加 --pdf 同时生成 PDF")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--year", type=year_arg, help="只运行这一年的年度报告（参数取自 params/<年>.yaml）")
    which.add_argument("--all", action="store_true", help="运行 params/ 中每一年（给出 --root 时为其中每个年份文件夹）")
    which.add_argument("--trends", action="store_true", help="运行多年趋势笔记本")
    which.add_argument("--portfolio", type=Path, metavar="FILE",
                       help="运行项目组合文件（如 params/portfolio.yaml）中每个项目的每个年度，"
                            "报告写入 <输出根目录>/<项目编号>/<年份>/，总览写入 <输出根目录>/portfolio/")
    p.add_argument("--out", type=Path, default=None, help="输出根目录（默认 reports/）")
    p.add_argument("--root", type=Path, default=None, help="原始数据根目录（默认取参数文件中的 data_root）")
    p.add_argument("--jobs", type=int, default=None,
                   help="与 --all 或 --portfolio 一起使用：最多同时运行几个（默认为 CPU 数加一）")
    p.add_argument("--force", action="store_true", help="与 --portfolio 一起使用：输入和代码未变化的项目年度也重新运行")
    p.add_argument("--only", action="append", metavar="项目[/年份]",
                   help="与 --portfolio 一起使用：只运行这个项目（各年度）或项目年度，写 项目/trends 则运行该项目的"
                        "多年趋势报告（可写多次），不更新总览")
    p.add_argument("--no-overview", action="store_true", help="与 --portfolio 一起使用：运行后不更新总览")
    p.add_argument("--list", action="store_true",
                   help="与 --portfolio 一起使用：校验项目组合文件，只列出各项目年度（一行 JSON 列表，如 [\"qdbdb/2020\"]），不运行")
    p.add_argument("--pdf", action="store_true",
                   help="同时用本机的 Chromium（无界面、不联网）把每份 HTML 报告打印为 A4 PDF，与 HTML 放在一起")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("overview", help="按各项目年度的运行摘要生成财政局总览（portfolio/index.html 和 portfolio.xlsx）")
    p.add_argument("--portfolio", type=Path, required=True, metavar="FILE", help="项目组合文件，如 params/portfolio.yaml")
    p.add_argument("--out", type=Path, default=None, help="报告根目录（默认 reports/），总览写入其下 portfolio/")
    p.set_defaults(func=cmd_overview)

    p = sub.add_parser("demo", help="生成 2018–2022 年的示例数据（虚构，仅供演示）；加 --projects 生成多个项目的示例项目组合")
    p.add_argument("--out", type=Path, default=None,
                   help="输出目录（默认 data/demo/，有 --projects 时默认 data/demo-portfolio/；不能是 data/raw/）")
    p.add_argument("--projects", type=int, default=None, metavar="N",
                   help="生成 N 个规模、类别和供应商各不相同的示例项目，并写出 <输出目录>/portfolio.yaml")
    p.add_argument("--years", type=int, default=None, metavar="K", help="与 --projects 一起使用：每个项目的年度数（1–5，默认 3）")
    p.set_defaults(func=cmd_demo)

    # --debug is accepted after the command too (qdanalysis ingest --year 2020 --debug)
    for command in sub.choices.values():
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                             help="出错时显示完整的 Python 调用栈")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return served(args, argv)  # through the report server when asked (the DAG's tasks), else args.func(args)
    except ValidationError as err:
        _print_problems(err.problems)
        return EXIT_PROBLEMS
    except QdanalysisError as err:
        print(f"错误：{err}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (head, a pager) has closed the pipe: stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as err:
        if args.debug:
            raise
        if isinstance(err, OSError) and err.errno == errno.ENOSPC:  # not a fault of the tool: say what to free
            where = display_path(err.filename) if err.filename else "输出文件"
            print(f"错误：磁盘空间已满，未能写入 {where}（之前已有的文件未改动）。请在该磁盘上腾出空间，例如删除 reports/ 中"
                  "不再需要的旧报告或 data/processed/ 中的旧表（make clean），或用 --out 写到另一块磁盘，然后重新运行",
                  file=sys.stderr)
            return EXIT_PROBLEMS
        print(f"内部错误：{type(err).__name__}: {err}（请加 --debug 重新运行并报告此问题）", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
