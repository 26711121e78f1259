"""Write a private file safely: owner-only (0600), all or nothing, never over a file by surprise.

It owns the checks before anything is asked (`check_target`), what makes two names one file
(`same_file_keys`) and the write itself (`write_private`). What it writes is only ever a
regular file: a device, FIFO, socket or folder under the name is never replaced, and never
opened. Every failure is one `ExportError` line naming the path. It never prints.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from datetime import date
from pathlib import Path

from screener.core.safetext import one_line
from screener.errors import ExportError
from screener.i18n import N_, _, pgettext

MODE = 0o600  # the answers are health information: readable by their owner only

# os.link errors that mean "this file system has no hard links", not "you may not".
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EXDEV, errno.EMLINK}


def unused_path(folder: Path, stem: str, suffix: str) -> Path:
    """`folder/stem+suffix`, or `stem-2`, `stem-3`... when that name is taken (by anything, a
    dangling link too): a name to suggest, which the person may still change."""
    path = folder / f"{stem}{suffix}"
    n = 2
    while os.path.lexists(path):
        path = folder / f"{stem}-{n}{suffix}"
        n += 1
    return path


def suggest_save_path(folder: Path, today: date) -> Path:
    """A file name for answers saved part-way that is not taken yet, in `folder` (offered
    before the first question: this module is light to load, the answers reader is not)."""
    stem = pgettext("file name", "screener-answers")  # screener-respuestas in Spanish
    return unused_path(folder, f"{stem}-{today.isoformat()}", ".yaml")


def _exists(path: Path) -> ExportError:
    return ExportError(
        _("{path} already exists; choose another name, or add --force to replace it").format(
            path=_name(path)
        )
    )


def typed_path(reply: str, suffix: str | None = None) -> Path:
    """A file name typed at a prompt, as a path: `~` and `~user` expanded, from the current
    folder, `suffix` (the format's ending) added when the name has none, so the file opens in
    the right program.

    Raises ExportError with a sentence, for the prompt to show before asking again, for a
    name that cannot be a file to write: only a yes or no (in any language screener speaks,
    with or without an ending), a `~user` that is no user here, or a folder (`/`, `.`, a name
    ending in `/`, a folder that is there). The rest (a missing folder, a name too long, a
    device...) is `check_target`'s.
    """
    from screener.core.kinds import yes_or_no_anywhere

    text = reply.strip()
    if yes_or_no_anywhere(text) is not None or yes_or_no_anywhere(Path(text).stem) is not None:
        raise ExportError(
            _(
                "{name} is an answer, not a file name: press Enter for the name offered, or "
                "type a file name"
            ).format(name=one_line(text))
        )
    try:
        path = Path(text).expanduser()
    except RuntimeError:  # ~name of no user on this computer
        user = text.split("/", 1)[0]
        raise ExportError(
            _("cannot save to {name}: there is no user {user} on this computer").format(
                name=one_line(text), user=one_line(user)
            )
        ) from None
    if text.endswith(("/", os.sep)) or path.name in ("", ".", "..") or _is_folder(path):
        raise _cannot_save(path, _("cannot save to {path}: it is a folder; give a file name"))
    if suffix and not path.suffix:
        path = path.with_name(path.name + suffix)
    return path.absolute()


def taken(path: Path) -> bool:
    """Whether a file or a link has this name, for a prompt to ask before replacing it; False
    for a name that cannot be looked at (too long, say), which `check_target` refuses."""
    try:
        return path.is_file() or path.is_symlink()
    except (OSError, ValueError):
        return False


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):  # a name too long to look at: check_target says so
        return False


def check_target(path: Path, force: bool) -> None:
    """Refuse, before anything is asked, a path that `write_private` could not write.

    Raises ExportError with one line naming the path: its folder is missing, not a folder or
    not writable, its name is too long, something other than a regular file has that name
    (a folder, device, FIFO or socket, or a link to one: refused with or without `force`),
    or a file has it and `force` is not set.
    """
    try:
        _check(path, force)
    except (OSError, ValueError) as exc:  # a folder that cannot be looked into, a link loop...
        raise _cannot_save(
            path, _("cannot save to {path}: {reason}"), reason=_reason(exc)
        ) from None


def _check(path: Path, force: bool) -> None:
    folder = path.parent
    try:
        in_folder = folder.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise _cannot_save(
            path,
            _("cannot save to {path}: the folder {folder} does not exist"),
            folder=_name(folder),
        ) from None
    if not stat.S_ISDIR(in_folder.st_mode):
        raise _cannot_save(
            path, _("cannot save to {path}: {folder} is not a folder"), folder=_name(folder)
        )
    size, limit = len(os.fsencode(path.name)), _name_max(folder)
    if limit is not None and size > limit:
        raise _cannot_save(
            path,
            _("cannot save to {path}: the file name is too long ({size} bytes; at most {limit})"),
            size=size,
            limit=limit,
        )
    odd = _not_a_file(path)
    if odd is not None:
        raise odd
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _cannot_save(
            path,
            _("cannot save to {path}: the folder {folder} is not writable"),
            folder=_name(folder),
        )
    if not force and os.path.lexists(path):
        raise _exists(path)


def same_file_keys(path: Path) -> frozenset[tuple[object, ...]]:
    """Keys that two names for one file share: the name in its folder with every link on the
    way and `..` resolved, and for a file already there its device and inode (a hard link).

    Never raises: a folder that cannot be resolved (a link loop) keeps its name as given,
    for `check_target` to refuse in one line.
    """
    try:
        folder = Path(os.path.realpath(path.parent))
    except (OSError, RuntimeError, ValueError):
        folder = path.parent.absolute()
    keys: set[tuple[object, ...]] = {("name", os.path.normcase(folder / path.name))}
    try:
        st = path.stat()
    except (OSError, ValueError):
        pass
    else:
        keys.add(("file", st.st_dev, st.st_ino))
    return frozenset(keys)


def _name_max(folder: Path) -> int | None:
    """The longest file name, in bytes, that `folder` takes; 255 where the system won't say,
    None where it has no limit."""
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return 255
    return limit if limit > 0 else None


# What a name can be instead of a regular file (but a folder), as the refusal says it.
_KINDS = (
    (stat.S_ISCHR, N_("a device")),
    (stat.S_ISBLK, N_("a device")),
    (stat.S_ISFIFO, N_("a FIFO")),
    (stat.S_ISSOCK, N_("a socket")),
)


def _not_a_file(path: Path) -> ExportError | None:
    """The refusal for a name that is there and is not a regular file, nor a link to one.

    Only looks (lstat, stat): opening a FIFO would wait for a reader, a device could be
    anything. Nothing there, a regular file, a link to one or a broken link: None, as
    replacing any of those writes a new regular file under this name and nowhere else.
    """
    try:
        st = path.lstat()
    except FileNotFoundError:
        return None
    link = stat.S_ISLNK(st.st_mode)
    if link:
        try:
            st = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            return None  # a broken link
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return None  # a link loop: as broken
            raise
    if stat.S_ISREG(st.st_mode):
        return None
    if stat.S_ISDIR(st.st_mode):
        if link:
            return _cannot_save(
                path, _("cannot save to {path}: it is a link to a folder; give a file name")
            )
        return _cannot_save(path, _("cannot save to {path}: it is a folder; give a file name"))
    what = next((name for test, name in _KINDS if test(st.st_mode)), N_("a special file"))
    if link:
        return _cannot_save(
            path,
            _(
                "cannot save to {path}: it is not a regular file (a link to {kind}); "
                "give a file name"
            ),
            kind=_(what),
        )
    return _cannot_save(
        path,
        _("cannot save to {path}: it is not a regular file ({kind}); give a file name"),
        kind=_(what),
    )


_TEMP_NAME_BYTES = 32


def _temp_prefix(name: str) -> str:
    """The start of the temporary file's name: `.NAME.`, NAME cut to at most 32 bytes.

    Cut on a character, not a byte, and short enough that any name the folder takes leaves
    room for mkstemp's random part and `.tmp` (a 255-byte name would otherwise be too long).
    """
    kept = ""
    for char in name:
        if len(os.fsencode(kept + char)) > _TEMP_NAME_BYTES:
            break
        kept += char
    return f".{kept}."


def write_private(path: Path, text: str, force: bool = False) -> None:
    """Write `text` as UTF-8 to `path`, mode 0600, through a temporary file in the same folder.

    The file appears whole or not at all. Without `force` an existing file is never replaced,
    not even one that appeared since `check_target`; with it, only a regular file is, or a
    link (replaced itself, see `_replace_file`): what is under the name is looked at again
    here, as it may have changed while the questions were answered. The target is never
    opened, so a FIFO cannot make this wait. The temporary file is always removed.
    Raises ExportError with one line naming the path.
    """
    import tempfile  # loaded only when a file is written

    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=_temp_prefix(path.name), suffix=".tmp", dir=path.parent
        )
    except (OSError, ValueError) as exc:
        raise _cannot(path, exc) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), MODE)  # mkstemp's 0600 is narrowed further by a strict umask
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        if force:
            _replace_file(tmp, path)
        else:
            _place_new(tmp, path)
        _sync_folder(path.parent)
    except (OSError, ValueError) as exc:
        raise _cannot(path, exc) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _replace_file(tmp: Path, path: Path) -> None:
    """Give `tmp` the name `path`, replacing a regular file of that name and nothing else.

    A link to a regular file is replaced itself, by a regular file: the file it pointed to is
    left as it was, so a planted link cannot send the summary anywhere but here. Between this
    last look and the rename something else could still take the name; the window is the
    few microseconds of one system call, not the minutes of a screening.
    """
    odd = _not_a_file(path)
    if odd is not None:
        raise odd
    tmp.replace(path)


def _place_new(tmp: Path, path: Path) -> None:
    """Give `tmp` the name `path` only if nothing has that name: a hard link cannot overwrite."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise _not_a_file(path) or _exists(path) from None
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        # No hard links here (FAT, some network shares): a last check, then a rename. A file
        # created between the two would be replaced; nothing better is portable.
        if os.path.lexists(path):
            raise _not_a_file(path) or _exists(path) from None
        tmp.replace(path)


def _sync_folder(folder: Path) -> None:
    """Make the new name durable; best effort (not every system can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))  # never a FIFO
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _cannot(path: Path, exc: OSError | ValueError) -> ExportError:
    message = _("{path}: cannot write: {reason}")
    return ExportError(message.format(path=_name(path), reason=_reason(exc)))


def _cannot_save(path: Path, message: str, **values: object) -> ExportError:
    """The refusal `message` (translated, with `{path}` and `values` to fill) for `path`."""
    return ExportError(message.format(path=_name(path), **values))


def _reason(exc: OSError | ValueError) -> str:
    if isinstance(exc, UnicodeError):  # a name typed in another encoding than the system's
        return _("the name has characters this system cannot use in a file name")
    if isinstance(exc, ValueError):  # a NUL in the name: no system takes one
        return _("a file name cannot hold a NUL character")
    return exc.strerror or str(exc)


def _name(path: Path) -> str:
    """A path as a message shows it: on one line, nothing unprintable (safetext.one_line)."""
    return one_line(str(path))
