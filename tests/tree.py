"""The project's own source files, walked recursively, so a guard that scans them cannot shrink quietly."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", ".git", "static", "node_modules", "__pycache__", ".pytest_cache", ".ruff_cache", "artifacts"}


def source_files(*folders: str, suffix: str = ".py", minimum: int = 1) -> list[Path]:
    """Every `suffix` file under the folders (or a file named directly); fails when fewer than `minimum`."""
    found = []
    for folder in folders:
        path = ROOT / folder
        if path.is_file():
            found.append(path)
            continue
        found += [p for p in sorted(path.rglob(f"*{suffix}")) if not SKIPPED & set(p.relative_to(ROOT).parts)]
    assert len(found) >= minimum, f"only {len(found)} {suffix} files under {folders}: did a move empty a folder?"
    return found


def migration_references() -> list[tuple[str, str, str]]:
    """(table, column, referenced table) for every column the migrations mark `-- ref: table` (there are no
    FOREIGN KEYs, see migration 001), in a CREATE TABLE or an ALTER TABLE ... ADD COLUMN line."""
    found = []
    for file in sorted((ROOT / "resilient" / "migrations").glob("*.sql")):
        table = None
        for line in file.read_text(encoding="utf-8").splitlines():
            if match := re.match(r"CREATE TABLE (\w+)", line):
                table = match.group(1)
            if match := re.match(r"ALTER TABLE (\w+) ADD COLUMN (\w+) [A-Z]+.*-- ref: (\w+)", line):
                found.append(match.groups())
            elif (match := re.match(r"\s+(\w+) [A-Z]+.*-- ref: (\w+)", line)) and table:
                found.append((table, match.group(1), match.group(2)))
    return found
