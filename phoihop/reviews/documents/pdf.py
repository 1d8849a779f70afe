"""The PDF of the report: LibreOffice (Debian's libreoffice-writer-nogui) converts the
.docx itself, so the PDF and the Word file are one document.

Each conversion runs soffice headless with a private, throw-away profile directory
(two conversions at once would otherwise fight over the user's profile lock) and a
time limit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 120


class PdfError(RuntimeError):
    """soffice is missing or failed; the message says what to do, in Vietnamese."""


def soffice_path() -> str | None:
    configured = os.environ.get("PHOIHOP_SOFFICE")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, *, timeout: int = TIMEOUT_SECONDS) -> bytes:
    """The PDF made from these .docx bytes."""
    soffice = soffice_path()
    if soffice is None:
        raise PdfError(
            _(
                "The PDF cannot be made: LibreOffice is not installed on the server. Ask "
                "the administrator to install the Debian package libreoffice-writer-nogui, "
                "or download the Word file and print it to PDF."
            )
        )
    with tempfile.TemporaryDirectory(prefix="phoihop-pdf-") as work:
        folder = Path(work)
        source = folder / "bao-cao.docx"
        source.write_bytes(docx)
        profile = (folder / "profile").as_uri()
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            subprocess.run(  # noqa: S603 - fixed arguments
                command,
                capture_output=True,
                timeout=timeout,
                check=False,
                env={**os.environ, "HOME": work},
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfError(
                _(
                    "LibreOffice took more than {seconds} seconds to make the PDF. Try again "
                    "later, or download the Word file."
                ).format(seconds=timeout)
            ) from exc
        except OSError as exc:
            raise PdfError(
                _("LibreOffice could not be started to make the PDF ({error}).").format(error=exc)
            ) from exc
        result = folder / "bao-cao.pdf"
        if not result.exists() or result.stat().st_size == 0:
            raise PdfError(
                _(
                    "LibreOffice did not produce the PDF. Download the Word file instead, "
                    "and tell the administrator."
                )
            )
        return result.read_bytes()
