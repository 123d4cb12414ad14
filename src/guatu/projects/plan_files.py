"""Plans in the contractors' own formats: .mpp (Microsoft Project), .xer (Primavera P6),
.mpx and P6 XML, read through MPXJ into Microsoft Project XML.

MPXJ is a Java library; it runs in a child process (``python -m
guatu.projects.plan_files IN OUT``), so that the Java virtual machine neither
lives in the web server's workers nor can take one down, and the conversion
is bounded in time. What MPXJ writes carries the dates, slack and flags the
source file stored, so the plan is then checked exactly like an XML file
(``guatu.core.mspdi_schedule``): reproduced, or refused naming the task.
Without a Java runtime these formats are refused with that reason.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from guatu.core.i18n import gettext_noop
from guatu.core.mspdi import MspdiError

__all__ = ["MPXJ_FORMATS", "PLAN_SUFFIXES", "as_mspdi", "java_runtime"]

#: Read directly; the others through MPXJ.
XML_SUFFIX = ".xml"
MPXJ_FORMATS = (".mpp", ".xer", ".mpx", ".pmxml")
PLAN_SUFFIXES = (XML_SUFFIX, *MPXJ_FORMATS)
TIMEOUT_S = 180
JVM_HEAP = "-Xmx1g"


def java_runtime() -> str | None:
    """The ``java`` program MPXJ would run on, or None."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def as_mspdi(path: Path, folder: Path) -> Path:
    """*path* itself if it is XML, else its conversion to MSPDI written into *folder*."""
    suffix = path.suffix.lower()
    if suffix == XML_SUFFIX:
        return path
    if suffix not in MPXJ_FORMATS:
        raise MspdiError(
            gettext_noop(
                "%(file)s is not a plan the system reads (.xml, .mpp, .xer, .mpx, .pmxml)."
            ),
            file=path.name,
        )
    if java_runtime() is None:
        raise MspdiError(
            gettext_noop(
                "Reading %(file)s needs a Java runtime, which this server does not have. "
                "Save the plan as XML in Microsoft Project (File › Save As › XML) and import "
                "that, or ask the administrator to install Java (see docs/DEPLOY.md)."
            ),
            file=path.name,
        )
    out = folder / (path.stem + ".converted.xml")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "guatu.projects.plan_files", str(path), str(out)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise MspdiError(
            gettext_noop("Reading %(file)s took longer than %(seconds)s seconds."),
            file=path.name,
            seconds=TIMEOUT_S,
        ) from error
    if done.returncode != 0 or not out.exists():
        reason = (done.stderr.strip().splitlines() or ["?"])[-1][:300]
        raise MspdiError(
            gettext_noop("MPXJ could not read %(file)s: %(reason)s"), file=path.name, reason=reason
        )
    return out


def _convert(source: str, target: str) -> None:
    """In the child process: read any plan MPXJ knows, write it as MSPDI."""
    import jpype
    import mpxj  # noqa: F401  (puts MPXJ's jars on the class path)

    jpype.startJVM(JVM_HEAP, convertStrings=True)
    from org.mpxj.mspdi import MSPDIWriter
    from org.mpxj.reader import UniversalProjectReader

    project = UniversalProjectReader().read(source)
    if project is None:
        raise SystemExit(f"not a plan MPXJ recognises: {Path(source).name}")
    MSPDIWriter().write(project, target)


if __name__ == "__main__":
    _convert(sys.argv[1], sys.argv[2])
