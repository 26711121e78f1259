"""Private files: 0600 whatever the umask, whole or not at all, never over a file unasked."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from screener.errors import ExitCode, ExportError
from screener.files.safefile import check_target, write_private

TEXT = "Résumé: 6 of 11 criteria\n"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def names(folder: Path) -> list[str]:
    """What is in `folder`, sorted: a stray temporary file would show here."""
    return sorted(p.name for p in folder.iterdir())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def message(exc: pytest.ExceptionInfo[ExportError]) -> str:
    assert exc.value.exit_code is ExitCode.EXPORT
    assert "\n" not in exc.value.message
    return exc.value.message


class TestWrite:
    """What write_private leaves behind."""

    def test_a_new_file_holds_the_text_as_utf8_and_nothing_else_is_written(
        self, tmp_path: Path
    ) -> None:
        target = tmp_path / "summary.md"
        write_private(target, TEXT)
        assert target.read_bytes() == TEXT.encode("utf-8")
        assert names(tmp_path) == ["summary.md"]

    def test_the_file_is_owner_only_under_a_permissive_umask(
        self, tmp_path: Path, permissive_umask: None
    ) -> None:
        target = tmp_path / "summary.md"
        write_private(target, TEXT)
        assert mode(target) == 0o600

    def test_an_existing_file_is_refused_and_left_as_it_was(self, tmp_path: Path) -> None:
        target = tmp_path / "summary.md"
        target.write_text("mine", encoding="utf-8")
        with pytest.raises(ExportError) as caught:
            write_private(target, TEXT)
        assert message(caught) == (
            f"{target} already exists; choose another name, or add --force to replace it"
        )
        assert target.read_text(encoding="utf-8") == "mine"
        assert names(tmp_path) == ["summary.md"]

    def test_force_replaces_a_readable_file_with_an_owner_only_one(
        self, tmp_path: Path, permissive_umask: None
    ) -> None:
        target = tmp_path / "summary.md"
        target.write_text("mine", encoding="utf-8")
        target.chmod(0o644)
        write_private(target, TEXT, force=True)
        assert target.read_text(encoding="utf-8") == TEXT
        assert mode(target) == 0o600
        assert names(tmp_path) == ["summary.md"]

    def test_a_symlink_in_the_way_is_refused_without_force(self, tmp_path: Path) -> None:
        elsewhere = tmp_path / "elsewhere.txt"
        elsewhere.write_text("keep", encoding="utf-8")
        (tmp_path / "summary.md").symlink_to(elsewhere)
        with pytest.raises(ExportError, match="already exists"):
            write_private(tmp_path / "summary.md", TEXT)
        assert elsewhere.read_text(encoding="utf-8") == "keep"

    def test_without_hard_links_it_still_refuses_an_existing_file(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def no_links(src: object, dst: object) -> None:
            raise OSError(errno.EPERM, "Operation not permitted")

        monkeypatch.setattr(os, "link", no_links)
        write_private(tmp_path / "new.md", TEXT)
        assert (tmp_path / "new.md").read_text(encoding="utf-8") == TEXT
        assert mode(tmp_path / "new.md") == 0o600
        (tmp_path / "old.md").write_text("mine", encoding="utf-8")
        with pytest.raises(ExportError, match="already exists"):
            write_private(tmp_path / "old.md", TEXT)
        assert (tmp_path / "old.md").read_text(encoding="utf-8") == "mine"
        assert names(tmp_path) == ["new.md", "old.md"]

    @pytest.mark.parametrize(
        ("code", "reason"),
        [
            (errno.ENOSPC, "No space left on device"),
            (errno.EIO, "Input/output error"),
            (errno.EROFS, "Read-only file system"),
        ],
    )
    def test_a_failed_write_is_one_line_and_leaves_nothing(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, reason: str
    ) -> None:
        def fail(fd: int) -> None:
            raise OSError(code, reason)

        monkeypatch.setattr(os, "fsync", fail)
        target = tmp_path / "summary.md"
        with pytest.raises(ExportError) as caught:
            write_private(target, TEXT)
        assert message(caught) == f"{target}: cannot write: {reason}"
        assert names(tmp_path) == []

    def test_a_missing_folder_is_one_line(self, tmp_path: Path) -> None:
        target = tmp_path / "gone" / "summary.md"
        with pytest.raises(ExportError) as caught:
            write_private(target, TEXT)
        assert message(caught) == f"{target}: cannot write: No such file or directory"

    @pytest.mark.skipif(IS_ROOT, reason="root writes into read-only folders")
    def test_an_unwritable_folder_is_one_line(self, tmp_path: Path) -> None:
        folder = tmp_path / "locked"
        folder.mkdir(mode=0o500)
        try:
            with pytest.raises(ExportError) as caught:
                write_private(folder / "summary.md", TEXT)
            assert message(caught) == f"{folder / 'summary.md'}: cannot write: Permission denied"
            assert names(folder) == []
        finally:
            folder.chmod(0o700)


class TestCheckTarget:
    """Refusals before anything is asked, each one line naming the path."""

    def test_a_new_file_in_an_existing_folder_is_fine(self, tmp_path: Path) -> None:
        check_target(tmp_path / "summary.md", force=False)
        assert names(tmp_path) == []

    def test_a_relative_name_in_the_current_folder_is_fine(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        check_target(Path("summary.md"), force=False)

    def test_a_missing_folder_is_named(self, tmp_path: Path) -> None:
        target = tmp_path / "gone" / "summary.md"
        with pytest.raises(ExportError) as caught:
            check_target(target, force=True)
        assert message(caught) == (
            f"cannot save to {target}: the folder {tmp_path / 'gone'} does not exist"
        )

    def test_a_file_where_the_folder_should_be_is_named(self, tmp_path: Path) -> None:
        (tmp_path / "notes").write_text("x", encoding="utf-8")
        target = tmp_path / "notes" / "summary.md"
        with pytest.raises(ExportError) as caught:
            check_target(target, force=False)
        assert message(caught) == f"cannot save to {target}: {tmp_path / 'notes'} is not a folder"

    def test_a_folder_is_not_a_file_name(self, tmp_path: Path) -> None:
        with pytest.raises(ExportError) as caught:
            check_target(tmp_path, force=True)
        assert message(caught) == f"cannot save to {tmp_path}: it is a folder; give a file name"

    def test_an_existing_file_needs_force(self, tmp_path: Path) -> None:
        target = tmp_path / "summary.md"
        target.write_text("mine", encoding="utf-8")
        with pytest.raises(ExportError) as caught:
            check_target(target, force=False)
        assert "already exists; choose another name, or add --force" in message(caught)
        check_target(target, force=True)
        assert target.read_text(encoding="utf-8") == "mine"

    @pytest.mark.skipif(IS_ROOT, reason="root writes into read-only folders")
    def test_an_unwritable_folder_is_named(self, tmp_path: Path) -> None:
        folder = tmp_path / "locked"
        folder.mkdir(mode=0o500)
        try:
            with pytest.raises(ExportError) as caught:
                check_target(folder / "summary.md", force=False)
            assert message(caught) == (
                f"cannot save to {folder / 'summary.md'}: the folder {folder} is not writable"
            )
        finally:
            folder.chmod(0o700)

    def test_a_folder_the_system_says_is_not_writable_is_named(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The same refusal where the permission check cannot be staged (root ignores modes)."""
        monkeypatch.setattr(os, "access", lambda path, how: False)
        with pytest.raises(ExportError) as caught:
            check_target(tmp_path / "summary.md", force=False)
        assert message(caught) == (
            f"cannot save to {tmp_path / 'summary.md'}: the folder {tmp_path} is not writable"
        )
