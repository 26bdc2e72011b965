"""Where the project lives, so relative paths work from the repo root and from notebooks/."""
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REPORTS_ROOT = PROJECT_ROOT / "reports"
NOTEBOOK = PROJECT_ROOT / "notebooks" / "briefing.ipynb"


def resolve_data_folder(data: str | Path) -> Path:
    """A relative ledger folder is looked up in the working directory, then the project root."""
    folder = Path(data)
    if folder.is_absolute() or folder.exists():
        return folder
    return PROJECT_ROOT / folder
