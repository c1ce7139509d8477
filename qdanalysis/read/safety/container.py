"""The container checks: what a file must be before any part of it is read.

:func:`inspect_container` is the first check every workbook passes. It refuses a path that is
not a readable file, a file that is not a workbook (naming what it looks like), a password-
protected workbook, and a zip whose central directory declares a bomb (too many entries, too
large, too compressed), a duplicate or an encrypted part; nothing is decompressed until then.
It then hands every XML part to :func:`~qdanalysis.read.safety.structure.check_parts`. An
Excel 97-2003 workbook (an OLE2 file) comes back marked ``legacy`` for
:func:`~qdanalysis.read.safety.biff.inspect_xls`.
"""

from __future__ import annotations

import os
import stat
import zipfile

from qdanalysis.errors import ValidationError
from qdanalysis.read.safety.filetype import describe_non_zip, describe_zip, scan_ole_names
from qdanalysis.read.safety.inspector import Archive, Inspector
from qdanalysis.read.safety.limits import (
    MAX_ENTRIES,
    MAX_ENTRY_UNCOMPRESSED,
    MAX_RATIO,
    MAX_TOTAL_UNCOMPRESSED,
    MB,
    RATIO_MIN_SIZE,
)
from qdanalysis.read.safety.strings import check_sst_ratio
from qdanalysis.read.safety.structure import check_parts
from qdanalysis.read.safety.zipread import is_shared_strings_name

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def inspect_container(inspector: Inspector) -> Archive:
    """The checks of the file and its zip container, then of every XML part; an OLE2 file that may be an
    Excel 97-2003 workbook comes back as ``Archive({}, {}, legacy=True)``.

    Raises:
        ValidationError: with one :class:`~qdanalysis.errors.Problem` (or one per malformed cell)
            explaining in Chinese why the file is refused and how to fix it.
    """
    size = _check_path(inspector)
    try:
        fh = open(inspector.path, "rb")
    except PermissionError:
        raise inspector.fail("没有权限读取文件", f"请检查“{inspector.name}”的访问权限，或先关闭正在使用它的程序")
    except OSError as exc:
        raise inspector.fail(f"无法打开文件（{exc.strerror or exc}）", f"请检查“{inspector.name}”是否可以正常打开")
    with fh:
        head = fh.read(8192)
        if head.startswith(_OLE_MAGIC):
            refusal = _ole_refusal(inspector, fh)
            if refusal is not None:
                raise refusal
            return Archive({}, {}, legacy=True)
        if not head.startswith(_ZIP_MAGICS):
            raise inspector.fail(f"不是Excel工作簿（.xlsx），看起来是{describe_non_zip(head)}", inspector.resave_hint())
        fh.seek(0)
        try:
            zf = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise inspector.corrupt(_zip_failure(exc)) from None
        with zf:
            infos = _check_directory(inspector, zf, size)
            return check_parts(inspector, zf, infos)


def _not_a_workbook_hint(inspector: Inspector, kind: str) -> str:
    """How to fix a file that is another Office document under an Excel name: a Word file is not resaved by Excel."""
    if "Word" in kind:
        return (f"“{inspector.name}”是Word文档，只是扩展名改成了 .xlsx；请找到原来的Excel工作簿放入文件夹，"
                "或把Word中的表格复制到Excel后另存为“Excel工作簿（*.xlsx）”")
    return inspector.resave_hint()


def _zip_failure(exc: Exception) -> str:
    """Why the zip library could not open a file, in words (its own message is English)."""
    if isinstance(exc, NotImplementedError):
        return "使用了不支持的压缩方式"
    if isinstance(exc, (zipfile.BadZipFile, EOFError)):
        return "找不到压缩包的目录，文件可能只下载或复制了一部分"
    return "无法识别压缩包结构"


def _check_path(inspector: Inspector) -> int:
    try:
        st = os.stat(inspector.path)
    except FileNotFoundError:
        raise inspector.fail("找不到文件", f"请检查路径和文件名是否正确：{inspector.display}")
    except PermissionError:
        raise inspector.fail("没有权限访问文件", f"请检查“{inspector.name}”的访问权限")
    except OSError as exc:
        raise inspector.fail(f"无法访问文件（{exc.strerror or exc}）", f"请检查路径是否正确：{inspector.display}")
    if stat.S_ISDIR(st.st_mode):
        raise inspector.fail("这是一个文件夹，不是Excel工作簿", f"请指定“{inspector.name}”文件夹中的 .xlsx 文件")
    if not stat.S_ISREG(st.st_mode):
        raise inspector.fail("不是普通文件，无法读取", f"请把“{inspector.name}”另存为普通的 .xlsx 文件后重试")
    if st.st_size == 0:
        raise inspector.fail(
            "文件为空（0字节）",
            f"“{inspector.name}”可能在下载或复制时出错，请重新获取或在Excel中重新保存",
        )
    return st.st_size


def _ole_refusal(inspector: Inspector, fh) -> ValidationError | None:
    """Why an OLE2 compound file is refused (a password-protected xlsx, a Word or PowerPoint file), or
    None for what may be an Excel 97-2003 workbook (.xls, WPS .et): :mod:`qdanalysis.read.safety.biff` checks it."""
    found = scan_ole_names(fh)
    if found & {"EncryptedPackage", "EncryptionInfo"}:
        return inspector.fail(
            "工作簿设有打开密码，无法读取",
            f"请在Excel中打开“{inspector.name}”，取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后另存为 .xlsx",
        )
    if "WordDocument" in found:
        return inspector.fail("不是Excel工作簿（.xlsx），看起来是旧版Word文档（.doc）",
                              _not_a_workbook_hint(inspector, "Word文档"))
    if "PowerPoint Document" in found:
        return inspector.fail("不是Excel工作簿（.xlsx），看起来是旧版PowerPoint演示文稿（.ppt）", inspector.resave_hint())
    return None


def _check_directory(inspector: Inspector, zf: zipfile.ZipFile, file_size: int) -> list[zipfile.ZipInfo]:
    """Central-directory checks: nothing is decompressed here."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise inspector.bomb(f"文件内部部件数量异常（{len(infos)}个，上限{MAX_ENTRIES}个）")
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise inspector.bomb(
            f"文件解压后总体积过大（声明约{total // MB} MB，上限{MAX_TOTAL_UNCOMPRESSED // MB} MB）"
        )
    seen: set[str] = set()
    for info in infos:
        if info.filename in seen:
            raise inspector.corrupt(f"内部部件“{info.filename}”重复出现")
        seen.add(info.filename)
        if info.is_dir():
            continue
        if info.file_size > MAX_ENTRY_UNCOMPRESSED:
            raise inspector.bomb(
                f"文件内部部件“{info.filename}”解压后过大（声明约{info.file_size // MB} MB，"
                f"上限{MAX_ENTRY_UNCOMPRESSED // MB} MB）"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_SIZE and ratio > MAX_RATIO:
            raise inspector.bomb(f"文件内部部件“{info.filename}”压缩比异常（{ratio:.0f}倍，上限{MAX_RATIO}倍）")
        if is_shared_strings_name(info.filename):
            check_sst_ratio(inspector, info)
    if "[Content_Types].xml" not in seen or "xl/workbook.xml" not in seen:
        kind = describe_zip(zf, seen)
        raise inspector.fail(f"不是Excel工作簿（.xlsx），看起来是{kind}", _not_a_workbook_hint(inspector, kind))
    for info in infos:
        if info.flag_bits & 0x1:
            raise inspector.fail(
                f"文件内部部件“{info.filename}”被加密，无法读取",
                f"请在Excel中打开“{inspector.name}”，另存为新的 .xlsx 文件后重试",
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise inspector.fail(
                f"文件使用了Excel不会使用的压缩方式（部件“{info.filename}”）",
                f"请在Excel中打开“{inspector.name}”，另存为新的 .xlsx 文件后重试",
            )
    return infos
