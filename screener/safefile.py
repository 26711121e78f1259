"""Write a private file safely: owner-only (0600), all or nothing, never over a file by surprise.

It owns the checks before anything is asked (`check_target`) and the write itself
(`write_private`); every failure is one `ExportError` line naming the path. It never prints.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from screener.errors import ExportError

MODE = 0o600  # the answers are health information: readable by their owner only

# os.link errors that mean "this file system has no hard links", not "you may not".
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EXDEV, errno.EMLINK}


def _exists(path: Path) -> ExportError:
    return ExportError(f"{path} already exists; choose another name, or add --force to replace it")


def check_target(path: Path, force: bool) -> None:
    """Refuse, before anything is asked, a path that `write_private` could not write.

    Raises ExportError with one line naming the path: its folder is missing, not a folder or
    not writable, the path is a folder, or the file exists and `force` is not set.
    """
    try:
        _check(path, force)
    except OSError as exc:  # a folder on the way that cannot be looked into, a loop...
        raise _cannot(path, exc) from None


def _check(path: Path, force: bool) -> None:
    folder = path.parent
    where = f"cannot save to {path}"
    if path.is_dir():
        raise ExportError(f"{where}: it is a folder; give a file name")
    if not folder.exists():
        raise ExportError(f"{where}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise ExportError(f"{where}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"{where}: the folder {folder} is not writable")
    if not force and (path.exists() or path.is_symlink()):
        raise _exists(path)


def write_private(path: Path, text: str, force: bool = False) -> None:
    """Write `text` as UTF-8 to `path`, mode 0600, through a temporary file in the same folder.

    The file appears whole or not at all. Without `force` an existing file is never replaced,
    not even one that appeared since `check_target`. The temporary file is always removed.
    Raises ExportError with one line naming the path.
    """
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _cannot(path, exc) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), MODE)  # mkstemp's 0600 is narrowed further by a strict umask
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        if force:
            tmp.replace(path)
        else:
            _place_new(tmp, path)
        _sync_folder(path.parent)
    except OSError as exc:
        raise _cannot(path, exc) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _place_new(tmp: Path, path: Path) -> None:
    """Give `tmp` the name `path` only if nothing has that name: a hard link cannot overwrite."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise _exists(path) from None
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        # No hard links here (FAT, some network shares): a last check, then a rename. A file
        # created between the two would be replaced; nothing better is portable.
        if path.exists() or path.is_symlink():
            raise _exists(path) from None
        tmp.replace(path)


def _sync_folder(folder: Path) -> None:
    """Make the new name durable; best effort (not every system can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _cannot(path: Path, exc: OSError) -> ExportError:
    reason = exc.strerror or str(exc)
    return ExportError(f"{path}: cannot write: {reason}")
