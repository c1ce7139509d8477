"""Reading the parts of a workbook's zip: streamed in bounded pieces, small ones whole, and which
part holds which sheet."""

from __future__ import annotations

import zipfile

from qdanalysis.read.safety.limits import CHUNK, MB


def chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo):
    """Yield the decompressed content of a part in bounded pieces."""
    with zf.open(info) as fp:
        while True:
            chunk = fp.read(CHUNK)
            if not chunk:
                return
            yield chunk


def is_shared_strings_name(name: str) -> bool:
    return name.lower().endswith("sharedstrings.xml")


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> part name, resolved the way calamine resolves it (best effort)."""
    from defusedxml import ElementTree as SafeET

    try:
        rels_root = SafeET.fromstring(_read_small(zf, "xl/_rels/workbook.xml.rels"))
        book_root = SafeET.fromstring(_read_small(zf, "xl/workbook.xml"))
    except Exception:  # noqa: BLE001 - names only improve messages
        return {}
    targets = {el.get("Id"): el.get("Target") or "" for el in rels_root.iter() if el.tag.endswith("Relationship")}
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    parts = {}
    for el in book_root.iter():
        if el.tag.rsplit("}", 1)[-1] == "sheet" and el.get("name") is not None:
            target = targets.get(el.get(rid), "")
            if target.startswith("/xl/"):
                target = target[1:]
            elif not target.startswith("xl/"):
                target = "xl/" + target
            parts[el.get("name")] = target
    return parts


def sheet_name(zf: zipfile.ZipFile, part: str) -> str:
    """The name of the sheet a part holds, or the part's own name."""
    names = {p: n for n, p in sheet_parts(zf).items()}
    return names.get(part, part)


def _read_small(zf: zipfile.ZipFile, name: str, limit: int = 16 * MB) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise ValueError(name)
    with zf.open(info) as fp:
        return fp.read(limit + 1)
