"""Reads the app's Excel export with openpyxl, a reader independent of the writer, and compares it with the
values the app shows (written beside it by `cargo run --example xlsx_fixture -- DIR`).

    python tests/xlsx/check.py DIR        # DIR holds dvk.xlsx and expected.json

Checks: sheet names and headers in Vietnamese; one row per record; every model's title, field, commune,
numbers and dates equal to the app's (numbers are numbers, dates are dates shown dd/mm/yyyy); Vietnamese text
intact; formula-looking text kept as text; title row, frozen header, autofilter, column widths.
Ends with 'xlsx: N passed, N failed' and exits non-zero on any failure.
"""
import datetime
import json
import sys
import unicodedata
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

HEADER_ROW = 2  # 1-based: the title row is row 1
FIRST_DATA_ROW = 3

passed = 0
failures = []


def check(ok, what):
    global passed
    if ok:
        passed += 1
    else:
        failures.append(what)
        if len(failures) <= 20:
            print(f"FAIL: {what}")


def column_map(ws, headers):
    found = [ws.cell(row=HEADER_ROW, column=c + 1).value for c in range(len(headers))]
    check(found == headers, f"{ws.title}: headers {found} == {headers}")
    return {h: i + 1 for i, h in enumerate(found)}


def check_text(ws, row, col, header, expected, label):
    cell = ws.cell(row=row, column=col)
    if expected is None:
        check(cell.value is None, f"{label} {header}: empty, got {cell.value!r}")
        return
    check(cell.data_type == "s" and cell.value == expected,
          f"{label} {header}: {cell.value!r} ({cell.data_type}) == {expected!r}")


def check_number(ws, row, col, header, expected, label):
    cell = ws.cell(row=row, column=col)
    if expected is None:
        check(cell.value is None, f"{label} {header}: empty, got {cell.value!r}")
        return
    check(cell.data_type == "n" and isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool)
          and cell.value == expected, f"{label} {header}: {cell.value!r} ({cell.data_type}) == {expected!r}")


def check_date(ws, row, col, header, expected, label):
    cell = ws.cell(row=row, column=col)
    if expected is None:
        check(cell.value is None, f"{label} {header}: empty, got {cell.value!r}")
        return
    day = datetime.date.fromisoformat(expected)
    check(cell.is_date and isinstance(cell.value, datetime.datetime) and cell.value.date() == day,
          f"{label} {header}: {cell.value!r} is the date {day}")
    check(cell.number_format == "dd/mm/yyyy", f"{label} {header}: shown as dd/mm/yyyy, not {cell.number_format!r}")


def check_sheet(ws, headers, rows, unit, date):
    title = ws.cell(row=1, column=1).value or ""
    check(unit in title and date in title, f"{ws.title}: title row {title!r} names {unit!r} and {date!r}")
    cols = column_map(ws, headers)
    check(ws.max_row == HEADER_ROW + len(rows), f"{ws.title}: {ws.max_row - HEADER_ROW} data rows == {len(rows)}")
    check(ws.freeze_panes == "A3", f"{ws.title}: title and header frozen ({ws.freeze_panes!r})")
    last = f"{get_column_letter(len(headers))}{HEADER_ROW + len(rows)}"
    check(ws.auto_filter.ref == f"A2:{last}", f"{ws.title}: autofilter {ws.auto_filter.ref!r} == A2:{last}")
    widths = [ws.column_dimensions[get_column_letter(c)].width for c in range(1, len(headers) + 1)]
    # (Excel stores a width with its padding: 50 characters are 50.71)
    check(all(w and 6 <= w <= 51 for w in widths), f"{ws.title}: column widths within 6-50 characters: {widths}")
    for i, expected in enumerate(rows):
        row = FIRST_DATA_ROW + i
        label = f"{ws.title} row {row}"
        for header, value in expected.get("cells", {}).items():
            check_text(ws, row, cols[header], header, value, label)
        for header, value in expected.get("numbers", {}).items():
            check_number(ws, row, cols[header], header, value, label)
            if value is not None and "share" in expected:
                fmt = ws.cell(row=row, column=cols[header]).number_format
                check(fmt == ("0%" if expected["share"] else "#,##0"), f"{label} {header}: format {fmt!r}")
        for header, value in expected.get("dates", {}).items():
            check_date(ws, row, cols[header], header, value, label)
    return cols


def main():
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "target/xlsx-check")
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    wb = load_workbook(folder / "dvk.xlsx")
    check(wb.sheetnames == expected["sheets"], f"sheets {wb.sheetnames} == {expected['sheets']}")
    for ws, headers, rows in zip(wb.worksheets, expected["headers"], expected["rows"]):
        check_sheet(ws, headers, rows, expected["unit"], expected["date"])

    models = wb.worksheets[0]
    titles = [models.cell(row=r, column=1).value for r in range(FIRST_DATA_ROW, models.max_row + 1)]
    check(all(t == unicodedata.normalize("NFC", t) for t in titles), "titles are NFC, as stored")
    check(sum(any(ch in t for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỷỹỵ") for t in titles) > 1000,
          "Vietnamese letters survive in the titles")
    f = expected["formula_like"]
    ws = wb.worksheets[f["sheet"]]
    col = [c.value for c in ws[HEADER_ROW]].index(f["header"]) + 1
    hits = [ws.cell(row=r, column=col) for r in range(FIRST_DATA_ROW, ws.max_row + 1)
            if ws.cell(row=r, column=col).value == f["value"]]
    check(len(hits) == 1 and hits[0].data_type == "s" and hits[0].quotePrefix,
          f"formula-looking text {f['value']!r} is a string cell marked as text")

    print(f"xlsx: {passed} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
