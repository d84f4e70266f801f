#!/usr/bin/env python3
"""Writes the hostile workbooks of fuzz/regressions: small xlsx files that
ask a reader for far more memory than they weigh. Each once took the server
down or swelled it (issue 12); tests/hostile_workbooks.rs runs them through
`sixr import` under a memory limit.

    python3 fuzz/hostile_workbooks.py     # rewrites fuzz/regressions/hostile-*.xlsx
"""

import os
import zipfile

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "regressions")
MB = 1024 * 1024

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""

PACKAGE_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""

WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="vInfo" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""

WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""

SHEET_HEAD = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"""

STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<cellXfs count="1"><xf numFmtId="0" fontId="0"/></cellXfs>
</styleSheet>"""

SHARED_STRINGS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>VM</t></si></sst>"""


def chunks(head, repeated, times, tail, step=4096):
    """head, then `repeated` `times` times, then tail: written a block at a time."""
    yield head.encode()
    block = repeated.encode() * step
    for _ in range(times // step):
        yield block
    yield repeated.encode() * (times % step)
    yield tail.encode()


def workbook(name, sheet, shared_strings=SHARED_STRINGS, styles=STYLES):
    """Writes an xlsx whose parts are strings or iterables of byte blocks."""
    path = os.path.join(OUT, name)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for part, content in [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", PACKAGE_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/sharedStrings.xml", shared_strings),
            ("xl/styles.xml", styles),
            ("xl/worksheets/sheet1.xml", sheet),
        ]:
            with z.open(part, "w", force_zip64=False) as f:
                for block in [content.encode()] if isinstance(content, str) else content:
                    f.write(block)
    print(f"{name}: {os.path.getsize(path):,} bytes")


def main():
    # Two cells, A1 and XFD1048576: a dense range of the sheet is 2^34 cells (512 GiB).
    workbook(
        "hostile-a1-xfd1048576.xlsx",
        SHEET_HEAD + '<dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>',
    )
    # One cell holding 200 MB of text, inline.
    workbook(
        "hostile-one-200mb-cell.xlsx",
        chunks(
            SHEET_HEAD + '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>',
            "A",
            200 * MB,
            "</t></is></c></row></sheetData></worksheet>",
        ),
    )
    # Shared strings unpacking to 128 MB: 7.9 million one-letter strings.
    workbook(
        "hostile-shared-strings-bomb.xlsx",
        SHEET_HEAD + '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>',
        shared_strings=chunks(
            '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
            "<si><t>a</t></si>",
            128 * MB // 17,
            "</sst>",
        ),
    )
    # A tiny shared-strings part that declares a trillion strings (reserved up front).
    workbook(
        "hostile-shared-strings-count.xlsx",
        SHEET_HEAD + '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>',
        shared_strings='<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'uniqueCount="1000000000000"><si><t>VM</t></si></sst>',
    )
    # 20,000 rows with a cell in column A and one in column XFD: every row 16,384 wide.
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="XFD{r}"><v>1</v></c></row>' for r in range(2, 20_002))
    workbook(
        "hostile-many-columns.xlsx",
        SHEET_HEAD + '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>' + rows + "</sheetData></worksheet>",
    )
    # 200,000 cell formats, each given its own copy of a font with a 100 KB name.
    workbook(
        "hostile-styles-bomb.xlsx",
        SHEET_HEAD + '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>',
        styles=chunks(
            '<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<fonts count="1"><font><name val="' + "F" * 100_000 + '"/></font></fonts><cellXfs>',
            '<xf fontId="0"/>',
            200_000,
            "</cellXfs></styleSheet>",
        ),
    )


if __name__ == "__main__":
    main()
