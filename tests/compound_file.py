"""A minimal, structurally valid OLE2 compound file (CFB v3): what Excel stores a password-protected workbook
and a legacy .xls in. Used by the corpus of bad input files (tests/integration/test_corpus.py).
"""

from __future__ import annotations

import struct
from pathlib import Path

FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def write_cfb(path: Path, streams: dict[str, bytes]) -> Path:
    """A minimal, structurally valid compound file (CFB v3) holding ``streams`` at the root.

    Streams are padded to at least 4096 bytes so that all of them live in regular sectors.
    """
    sector = 512
    data = {name: body.ljust(4096, b"\0") for name, body in streams.items()}
    chains: list[tuple[int, int]] = []  # (first sector, sector count) per stream
    next_free = 2  # sector 0: FAT, sector 1: directory
    for body in data.values():
        count = -(-len(body) // sector)
        chains.append((next_free, count))
        next_free += count
    fat = [FATSECT, ENDOFCHAIN]
    for first, count in chains:
        fat += [first + k + 1 for k in range(count - 1)] + [ENDOFCHAIN]
    assert len(fat) <= sector // 4, "one FAT sector is enough for these tests"
    fat += [FREESECT] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", NOSTREAM, right, child) + bytes(16) + bytes(4) + bytes(16)
                + struct.pack("<IQ", start, size))

    names = list(data)
    entries = [entry("Root Entry", 5, 1 if names else NOSTREAM, NOSTREAM, ENDOFCHAIN, 0)]
    for k, name in enumerate(names):
        right = k + 2 if k + 1 < len(names) else NOSTREAM
        entries.append(entry(name, 2, NOSTREAM, right, chains[k][0], len(data[name])))
    directory = b"".join(entries).ljust(sector, b"\0")
    assert len(directory) == sector
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + bytes(6) + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
              + struct.pack("<I", 0) + struct.pack("<I", FREESECT) * 108)
    assert len(header) == sector
    body = b"".join(b.ljust(-(-len(b) // sector) * sector, b"\0") for b in data.values())
    path.write_bytes(header + struct.pack(f"<{sector // 4}I", *fat) + directory + body)
    return path
