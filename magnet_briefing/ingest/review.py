"""The review table `ingest` prints: each proposed row, the figure highlighted in its evidence,
what the ledger says about it, the rule that produced it and anything to check; then the figures
of the article that were not proposed, and why.

Plain text marks the figure with [[ ]]; with color (a terminal) it is bold and reversed, and a
contradiction is red. Evidence is cut to a window around the figure so a row fits the terminal.
"""
from __future__ import annotations

from .check import Check
from .proposal import CHECK, Proposal

BOLD, RED, YELLOW, RESET = "\033[1;7m", "\033[31m", "\033[33m", "\033[0m"


def _window(evidence: str, figure: str, width: int, color: bool, at: int = -1) -> str:
    if not (figure and 0 <= at and evidence.startswith(figure, at)):
        at = evidence.find(figure) if figure else -1
    if at < 0:
        text = evidence if len(evidence) <= width else evidence[:width - 1] + "…"
        return f'"{text}"'
    room = max(width - len(figure) - 4, 20)
    start = max(0, at - room // 2)
    end = min(len(evidence), at + len(figure) + room - (at - start))
    start = max(0, min(start, end - len(figure) - room))
    before, after = evidence[start:at], evidence[at + len(figure):end]
    mark = f"{BOLD}{figure}{RESET}" if color else f"[[{figure}]]"
    return f'"{"…" if start > 0 else ""}{before}{mark}{after}{"…" if end < len(evidence) else ""}"'


def ledger_word(check: Check | None) -> str:
    if check is None:
        return ""
    if check.problem:
        return f"NOT A VALID CLAIM: {check.problem}"
    if check.contradiction:
        return "CONTRADICTS the ledger"
    if check.corroborated_by:
        return "corroborated by " + ", ".join(check.corroborated_by)
    return "new to the ledger"


def review_table(proposals: list[Proposal], checks: list[Check] | None = None,
                 skipped: list[tuple[str, str, str]] = (), color: bool = False, width: int = 100) -> str:
    """The text the analyst reviews (see the module docstring)."""
    checks = checks if checks is not None else [None] * len(proposals)
    lines = []
    if not proposals:
        lines.append("No export figures found.")
    for n, (proposal, check) in enumerate(zip(proposals, checks), start=1):
        figure = f"{proposal.value} {proposal.unit}".replace(" %", "%")
        head = (f"{n:>3}  {proposal.series:<18} {proposal.period:<17} {proposal.measure:<13} {figure:>10} "
                f"{proposal.qualifier:<7}")
        word = ledger_word(check)
        if color and check is not None and (check.contradiction or check.problem):
            word = f"{RED}{word}{RESET}"
        lines.append(f"{head} {word}".rstrip())
        lines.append("     " + _window(proposal.evidence, proposal.figure, width - 5, color, proposal.figure_at))
        rule, *flags = proposal.note.split("; " + CHECK)
        lines.append(f"     rule: {rule}")
        for flag in flags:
            flag = f"check: {flag}"
            lines.append(f"     {YELLOW}{flag}{RESET}" if color else f"     {flag}")
        if check is not None and check.contradiction:
            text = f"contradiction: {check.contradiction}"
            lines.append(f"     {RED}{text}{RESET}" if color else f"     {text}")
    if skipped:
        lines.append("")
        lines.append(f"Not proposed ({len(skipped)} figure{'s' if len(skipped) != 1 else ''}):")
        for figure, reason, _ in skipped:
            lines.append(f"     {figure}: {reason}")
    return "\n".join(lines)
