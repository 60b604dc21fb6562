"""Reads the app's Word report with python-docx, a reader independent of the writer, and compares it with what
the document must say (written beside it by `cargo run --example docx_fixture -- DIR`).

    python tests/docx/check.py DIR        # DIR holds report.docx and expected.json

Checks: the header table (superior organisation, issuing body, number; "ĐẢNG CỘNG SẢN VIỆT NAM" and the
place-and-date line); "BÁO CÁO" and the subject; each table's caption, header row and row count; the totals
by field equal to the statistics; the recipients under "Nơi nhận:" and the signature; the page (A4, margins
20/20/30/15 mm); the Normal style's font (Times New Roman, 14 pt).
Ends with 'docx: N passed, N failed' and exits non-zero on any failure.
"""
import json
import sys
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

passed = 0
failures = []


def check(ok, what):
    global passed
    if ok:
        passed += 1
    else:
        failures.append(what)
        print(f"FAIL: {what}")


def cell_lines(cell):
    return cell.text.split("\n")


def vi_int(s):
    """A count as the report writes it in Vietnamese: '2.226'."""
    digits = s.replace(".", "")
    return int(digits) if digits.isdigit() else None


def main(folder):
    doc = Document(str(folder / "report.docx"))
    exp = json.loads((folder / "expected.json").read_text(encoding="utf-8"))

    # The body in order: paragraphs and tables.
    blocks = list(doc.iter_inner_content())
    tables = [b for b in blocks if isinstance(b, Table)]
    paras = [b for b in blocks if isinstance(b, Paragraph)]
    check(len(tables) == 2 + len(exp["tables"]), f"{len(tables)} tables == header + {len(exp['tables'])} + signature")
    check(isinstance(blocks[0], Table), "the document opens with the header table")

    # The header table: one row, two columns.
    head = tables[0]
    check(len(head.rows) == 1 and len(head.columns) == 2, f"header table is 1x2, got {len(head.rows)}x{len(head.columns)}")
    left, right = cell_lines(head.cell(0, 0)), cell_lines(head.cell(0, 1))
    check(left == exp["header"]["left"], f"header left {left} == {exp['header']['left']}")
    check(right == exp["header"]["right"], f"header right {right} == {exp['header']['right']}")
    check(right[:1] == ["ĐẢNG CỘNG SẢN VIỆT NAM"], f"the Party's name: {right[:1]}")
    party = head.cell(0, 1).paragraphs[0]
    check(any(r.bold for r in party.runs) and any(r.underline for r in party.runs), "the Party's name is bold and underlined")
    date = head.cell(0, 1).paragraphs[1]
    check(any(r.italic for r in date.runs), "the place and date are in italics")

    # "BÁO CÁO" and the subject.
    texts = [p.text for p in paras]
    check(exp["kind"] in texts, f"a paragraph {exp['kind']!r}")
    if exp["kind"] in texts:
        i = texts.index(exp["kind"])
        check(paras[i].style.name == "Title", f"{exp['kind']!r} in style Title, got {paras[i].style.name!r}")
        check(exp["subject"] in texts[i + 1:i + 3], f"the subject after it: {texts[i + 1:i + 3]}")

    # Each table of figures: its caption just above it, its header row, its number of rows.
    for n, (t, e) in enumerate(zip(tables[1:], exp["tables"]), start=1):
        pos = next(k for k, b in enumerate(blocks) if isinstance(b, Table) and b._tbl is t._tbl)
        above = blocks[pos - 1]
        caption = above.text if isinstance(above, Paragraph) else None
        check(caption == e["caption"], f"table {n}: caption {caption!r} == {e['caption']!r}")
        header = [c.text for c in t.rows[0].cells]
        check(header == e["header"], f"table {n} ({e['caption']}): header {header} == {e['header']}")
        check(len(t.rows) == e["rows"], f"table {n} ({e['caption']}): {len(t.rows)} rows == {e['rows']}")

    # The totals by field, read from the first table of figures as numbers.
    fields = tables[1]
    found = {}
    for row in fields.rows[1:]:
        cells = [c.text for c in row.cells]
        found[cells[0]] = {"count": vi_int(cells[1]), "new": vi_int(cells[2])}
    for name, want in exp["by_field"].items():
        check(found.get(name) == want, f"by field, {name}: {found.get(name)} == {want}")
    total = found.get(exp["total_label"])
    check(total == exp["total"], f"by field, {exp['total_label']}: {total} == {exp['total']}")
    check(sum(v["count"] for v in exp["by_field"].values()) == exp["total"]["count"], "the fields add up to the total")

    # The signature block: recipients on the left, the signer on the right.
    sig = tables[-1]
    lines = cell_lines(sig.cell(0, 0))
    check(lines[:1] == [exp["recipients_label"]], f"{lines[:1]} == {[exp['recipients_label']]}")
    check(lines[1:] == exp["recipients"], f"recipients {lines[1:]} == {exp['recipients']}")
    signer = cell_lines(sig.cell(0, 1))
    check(signer == exp["signature"], f"signature {signer} == {exp['signature']}")

    # The page: A4 portrait and the margins of a Party document.
    s = doc.sections[0]
    page = exp["page"]
    got = {
        "width_mm": s.page_width.mm, "height_mm": s.page_height.mm, "top_mm": s.top_margin.mm,
        "bottom_mm": s.bottom_margin.mm, "left_mm": s.left_margin.mm, "right_mm": s.right_margin.mm,
    }
    for k, want in page.items():
        check(abs(got[k] - want) < 0.5, f"page {k}: {got[k]:.1f} == {want}")

    # The Normal style: its own font, or the document defaults it inherits.
    normal = doc.styles["Normal"]
    name, size = normal.font.name, normal.font.size
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if defaults is not None else None
    if name is None and rpr is not None and rpr.find(qn("w:rFonts")) is not None:
        name = rpr.find(qn("w:rFonts")).get(qn("w:ascii"))
    if size is None and rpr is not None and rpr.find(qn("w:sz")) is not None:
        size_pt = int(rpr.find(qn("w:sz")).get(qn("w:val"))) / 2
    else:
        size_pt = size.pt if size is not None else None
    check(name == exp["font"]["name"], f"Normal font {name!r} == {exp['font']['name']!r}")
    check(size_pt == exp["font"]["size_pt"], f"Normal size {size_pt} pt == {exp['font']['size_pt']} pt")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: check.py DIR")
    main(Path(sys.argv[1]))
    print(f"docx: {passed} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)
