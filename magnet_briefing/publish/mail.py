"""The e-mail draft: key points and a few charts in the body, the full briefing as a PDF attachment.

Mail clients strip data: URIs and external stylesheets, so charts travel as CID images in
multipart/related and every style is inline.
"""
from __future__ import annotations

import datetime
import hashlib
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from markupsafe import escape

from ..briefing.edition import Masthead
from ..briefing.labels import MARK_EXPLAINED, month_label

FONT = "font-family:Georgia,'Times New Roman',serif;"
SANS = "font-family:'Helvetica Neue',Helvetica,Arial,sans-serif;"
CHART_WIDTH_PX = 600


def email_subject(head: Masthead, month: str) -> str:
    """Title and headline figure; the month is added if the title does not carry it."""
    title = head.title
    if month not in title and month_label(month) not in title:
        title = f"{title} ({month_label(month)})"
    subject = f"{title} — {head.headline}" if head.headline else title
    return " ".join(subject.split())


def pdf_attachment_name(month: str) -> str:
    return f"rare-earth-magnet-briefing-{month}.pdf"


def _plain_text(head: Masthead, month: str, chart_count: int) -> str:
    lines = [head.title, f"{month_label(month)}, {head.as_of}" if head.as_of else month_label(month), ""]
    if head.headline:
        lines += [head.headline, ""]
    if head.key_points:
        lines += ["Key points"] + [f"- {point}" for point in head.key_points] + [""]
    if head.changes:
        lines += ["What changed", head.changes, ""]
    lines += [MARK_EXPLAINED, ""]
    where = "Charts and the full briefing are" if chart_count else "The full briefing is"
    lines.append(f"{where} in the attached PDF ({pdf_attachment_name(month)}).")
    return "\n".join(lines) + "\n"


def _html_body(head: Masthead, month: str, chart_cids: list[tuple[str, str]]) -> str:
    points = "".join(f'<li style="margin:0 0 8px;">{escape(point)}</li>' for point in head.key_points)
    charts = "".join(
        f'<p style="margin:0 0 16px;"><img src="cid:{cid}" width="{CHART_WIDTH_PX}" alt="{escape(alt)}" '
        f'style="display:block;width:100%;max-width:{CHART_WIDTH_PX}px;height:auto;border:0;"></p>'
        for cid, alt in chart_cids)
    headline = (f'<p style="margin:0 0 16px;font-size:17px;color:#333;">{escape(head.headline)}</p>'
                if head.headline else "")
    key_points = (f'<h2 style="{SANS}font-size:15px;margin:20px 0 8px;">Key points</h2>'
                  f'<ul style="margin:0 0 16px;padding-left:20px;">{points}</ul>' if points else "")
    changes = (f'<h2 style="{SANS}font-size:15px;margin:20px 0 8px;">What changed</h2>'
               f'<p style="margin:0 0 16px;">{escape(head.changes)}</p>' if head.changes else "")
    marks = f'<p style="{SANS}margin:0 0 16px;font-size:13px;color:#5d6670;">{escape(MARK_EXPLAINED)}</p>'
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(head.title)}</title></head>"
        f'<body style="margin:0;padding:0;background:#ffffff;">'
        f'<div style="{FONT}max-width:{CHART_WIDTH_PX}px;margin:0 auto;padding:16px;color:#1d2126;'
        'font-size:15px;line-height:1.5;">'
        f'<p style="{SANS}margin:0;font-size:11px;letter-spacing:1px;text-transform:uppercase;color:#9b2a1e;'
        f'border-top:3px solid #9b2a1e;padding-top:6px;">Monthly briefing &middot; {escape(month_label(month))}'
        f'{f" &middot; {escape(head.as_of)}" if head.as_of else ""}</p>'
        f'<h1 style="{SANS}font-size:22px;line-height:1.2;margin:6px 0 10px;">{escape(head.title)}</h1>'
        f"{headline}{key_points}{changes}{marks}{charts}"
        f'<p style="{SANS}margin:16px 0 0;font-size:12px;color:#5d6670;">The full briefing is attached as a PDF '
        f"({escape(pdf_attachment_name(month))}).</p>"
        "</div></body></html>\n")


def build_email(head: Masthead, month: str, charts: list[tuple[bytes, str]], pdf: bytes, to: tuple[str, ...] = (),
                sender: str = "", date: datetime.datetime | None = None) -> EmailMessage:
    """A draft (X-Unsent: 1) that mail clients open ready to send. `charts` are (PNG, alt text);
    `date` is the data's as-of date, not the build's, so a rebuilt edition is the same message."""
    message = EmailMessage()
    message["Subject"] = email_subject(head, month)
    if sender:
        message["From"] = sender  # a checked address (config.recipients)
    if to:
        message["To"] = ", ".join(to)
    if date is not None:
        message["Date"] = format_datetime(date)
    message["X-Unsent"] = "1"
    message.set_content(_plain_text(head, month, len(charts)))
    cids = [f"chart{number}.{month}@magnet-briefing" for number in range(1, len(charts) + 1)]
    message.add_alternative(_html_body(head, month, list(zip(cids, [alt for _, alt in charts]))), subtype="html")
    html_part = message.get_payload()[1]
    for cid, (png, _) in zip(cids, charts):
        html_part.add_related(png, "image", "png", cid=f"<{cid}>", disposition="inline")
    message.add_attachment(pdf, "application", "pdf", filename=pdf_attachment_name(month))
    # boundaries from the content, not random: the same edition is the same message
    digest = hashlib.sha256(email_subject(head, month).encode() + pdf).hexdigest()[:24]
    for number, part in enumerate(part for part in message.walk() if part.is_multipart()):
        part.set_boundary(f"=_magnet-briefing-{digest}-{number}")
    return message


def email_bytes(message: EmailMessage) -> bytes:
    """CRLF line endings, as .eml files opened by Outlook expect."""
    return message.as_bytes(policy=SMTP)
