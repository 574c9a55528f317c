"""The desk's state: the issue as last built, for every browser alike.

One thread builds: `caipdf watch`'s loop (caipdf.commands.watch.watch), so
saves made while a build runs coalesce into the next one and no two builds
overlap. After each build of the chosen edition the desk, in order:

1. draws the pages that changed and publishes the pages, the articles'
   fill, the warnings and errors (a failed build publishes its errors and
   keeps the last good pages);
2. runs the preflight on the PDF, and publishes its verdict;
3. builds the other editions, one after the other, publishing each.

Steps 2 and 3 are left when a file changes meanwhile: the next build comes
first, and they run again after it.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path

from caipdf.checks import fitting
from caipdf.commands.preview import spreads
from caipdf.commands.watch import BuildLog, try_build, watch, what_failed, what_was_laid_out
from caipdf.desk import pages
from caipdf.errors import CaipdfError
from caipdf.profiles import PROFILES
from caipdf.session import Built, Session
from caipdf.structure.inline import plain_text

CONTEXT_LINES = 3  # of the issue file, above and below a problem's line
# A warning as caipdf prints it: "file:line:col: warning: message\n  fix: hint".
LOCATED = re.compile(r"(?P<file>[^\n]+?):(?P<line>\d+):(?P<column>\d+): "
                     r"(?P<level>warning \(draft\)|warning|error): (?P<message>.*?)"
                     r"(?:\n  fix: (?P<fix>.*))?", re.S)


@dataclass(frozen=True)
class Served:
    """What a URL of the desk answers with."""
    content_type: str
    body: bytes
    immutable: bool = False  # its URL names its content: browsers may keep it
    download: str | None = None  # the file name to save it under


@dataclass
class Edition:
    name: str
    summary: str
    file: str  # the PDF's name in the desk's URLs
    status: str = "waiting for the first build"
    pdf: bytes = b""
    built_at: str | None = None


@dataclass
class State:
    """What every browser is shown; `as_json()` is what they are sent."""
    issue: str
    edition: str
    version: int = 0
    status: str = "building"  # "building", "built" or "failed"
    message: str = "the first build is running"
    working_on: str | None = "the first build"  # what the desk is doing; None when idle
    built_at: str | None = None
    pages: list[pages.PageImage] = field(default_factory=list)  # of the last good build
    articles: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    preflight: dict = field(default_factory=lambda: {"status": "waiting"})
    editions: list[Edition] = field(default_factory=list)

    def as_json(self) -> bytes:
        return json.dumps({
            "version": self.version, "issue": self.issue, "edition": self.edition,
            "status": self.status, "message": self.message, "built_at": self.built_at,
            "working_on": self.working_on,
            "pages": [{"number": page.number, "url": f"/pages/{page.name}",
                       "width": page.width, "height": page.height} for page in self.pages],
            "spreads": spreads(len(self.pages)) if self.pages else [],
            "articles": self.articles, "problems": self.problems, "preflight": self.preflight,
            "editions": [{"name": e.name, "summary": e.summary, "status": e.status,
                          "built_at": e.built_at, "url": f"/pdf/{e.file}" if e.pdf else None}
                         for e in self.editions],
        }, ensure_ascii=False).encode("utf-8")


class Desk:
    """Builds one issue again after every save and keeps what browsers are shown."""

    def __init__(self, issue_file: Path, output: Path, edition: str, draft: bool = False):
        self.issue_file = Path(issue_file)
        order = [edition] + [name for name in PROFILES if name != edition]
        outputs = {name: output if name == edition else
                   output.with_name(f"{output.stem}-{name}{output.suffix}") for name in order}
        self.sessions = {name: Session(issue_file, outputs[name], draft=draft,
                                       profile=PROFILES[name]) for name in order}
        self.main = self.sessions[edition]
        self.state = State(str(issue_file), edition, editions=[
            Edition(name, PROFILES[name].summary, f"{output.stem}-{name}.pdf") for name in order])
        self.log = BuildLog(output, sys.stdout, sys.stderr)
        self._changed = threading.Condition()
        self._served: dict[str, Served] = {}
        self._stamps: dict = {}  # the files as the last build's follow-ups saw them
        self._publish()

    # -- what the server reads (from its own threads)

    def served(self, path: str) -> Served | None:
        """What the URL path `path` answers with: the state, a page image or
        an edition's PDF as last published, or None."""
        return self._served.get(path)

    def wait_for_change(self, version: int, timeout: float) -> int:
        """Wait until the state is newer than `version` (or `timeout` seconds); its version."""
        with self._changed:
            self._changed.wait_for(lambda: self.state.version > version, timeout)
            return self.state.version

    # -- the building thread

    def run(self, stop: threading.Event) -> None:
        watch(self.main, stop=stop, record=self.record)

    def record(self, result: Built | BaseException) -> None:
        self.log.record(result)
        try:
            self._follow(result)
        except Exception as error:  # a bug: report it and keep serving
            error.trace = traceback.format_exc()
            self.log.record(error)
            self._publish(status="failed", problems=self._problems(error),
                          message="internal error: the last good pages are shown")
        finally:
            # Idle, or about to build again: watch() builds next when a file changed.
            changed = self.main.snapshot() != self._stamps
            self._publish(working_on="the next build" if changed else None)

    def _follow(self, result: Built | BaseException) -> None:
        clock = time.strftime("%H:%M:%S")
        stamps = self._stamps = self.main.snapshot()
        if not isinstance(result, Built):
            self._publish(status="failed", built_at=clock, problems=self._problems(result),
                          message=f"build failed ({what_failed(result)}): the last good pages "
                                  "are shown")
            return
        images = pages.draw(result.pdf, self.state.pages, everything=result.layout.whole)
        issue, rendering = result.laid_out.issue, result.laid_out.rendering
        self._publish(status="built", built_at=clock, pages=images,
                      editions=self._editions_with(self.state.edition, result.pdf, clock, "built"),
                      message=f"built in {result.seconds:.2f} s "
                              f"({what_was_laid_out(result.layout)})",
                      articles=self._articles(issue, rendering),
                      problems=self._problems(result), preflight={"status": "running"},
                      working_on="the preflight")
        if self.main.snapshot() != stamps:
            return
        self._publish(preflight=self._preflight(result.output))
        for name, session in self.sessions.items():
            if session is self.main:
                continue
            if self.main.snapshot() != stamps:
                return
            self._publish(working_on=f"the {name} edition")
            built = try_build(session)
            if isinstance(built, Built):
                editions = self._editions_with(name, built.pdf, clock, "built")
            else:
                self.log.record(built)
                editions = self._editions_with(name, b"", clock,
                                               f"failed ({what_failed(built)}), see the terminal")
            self._publish(editions=editions)

    # -- turning results into the state

    def _publish(self, **changes) -> None:
        with self._changed:
            self.state = replace(self.state, version=self.state.version + 1, **changes)
            served = {"/state": Served("application/json", self.state.as_json())}
            for page in self.state.pages:
                served[f"/pages/{page.name}"] = Served("image/png", page.png, immutable=True)
            for edition in self.state.editions:
                if edition.pdf:
                    served[f"/pdf/{edition.file}"] = Served("application/pdf", edition.pdf,
                                                            download=edition.file)
            self._served = served
            self._changed.notify_all()

    def _editions_with(self, name: str, pdf: bytes, clock: str, status: str) -> list[Edition]:
        """The editions, edition `name` as just built (a failed one keeps its last PDF)."""
        return [replace(edition, status=status, built_at=clock, pdf=pdf or edition.pdf)
                if edition.name == name else edition for edition in self.state.editions]

    @staticmethod
    def _articles(issue, rendering) -> list[dict]:
        """Each article's pages as planned and as laid out, and how it fills
        them: the fitting hints of caipdf.checks.fitting."""
        fits = {fit.article.id: fit for fit in fitting.fits(issue, rendering)}
        found = []
        for article in issue.articles:
            fit, first = fits.get(article.id), rendering.first_page_of(article.id)
            found.append({
                "id": article.id, "title": plain_text(article.toc), "line": article.location.line,
                "planned": [article.page, article.last_page],
                "laid_out": [first, fit.last_page] if fit and first else None,
                "on_plan": bool(fit) and first == article.page and fit.last_page == article.last_page,
                "over": fit.over if fit else 0,  # lines on pages past its own
                "empty": fit.empty if fit else [],  # per column, lines left empty at its foot
                "characters": fit.measure.characters(fit.over or sum(fit.empty)) if fit else 0,
                "shared": fit.shared if fit else False,
                "fit": fit.describe() if fit else "not measured (no body text)",
            })
        return found

    def _problems(self, result: Built | BaseException) -> list[dict]:
        """Every warning or error of `result`, with the issue file's lines around it."""
        try:
            source = self.issue_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            source = []
        found = []
        if isinstance(result, Built):
            for text in result.warnings:
                match = LOCATED.fullmatch(text)
                if match:
                    found.append(self._problem(match["level"], match["message"], match["fix"],
                                               match["file"], int(match["line"]),
                                               int(match["column"]), source))
                else:
                    found.append(self._problem("warning", text.removeprefix("warning: "),
                                               None, None, None, None, source))
        elif isinstance(result, CaipdfError):
            for problem in result.problems:
                where = problem.location
                found.append(self._problem("error", problem.message, problem.hint or None,
                                           where and str(where.file), where and where.line,
                                           where and where.column, source))
        else:
            found.append(self._problem("error", "caipdf failed unexpectedly; the trace is in "
                                       "the terminal that runs caipdf serve: please report it",
                                       None, None, None, None, source))
        return found

    def _problem(self, level, message, fix, file, line, column, source) -> dict:
        context = []
        if file and line and Path(file).resolve() == self.issue_file.resolve():
            first = max(1, line - CONTEXT_LINES)
            context = [{"number": number, "text": source[number - 1]}
                       for number in range(first, min(len(source), line + CONTEXT_LINES) + 1)]
        where = f"{file}:{line}:{column}" if file and line else None
        return {"level": level, "where": where, "line": line, "message": message,
                "fix": fix, "context": context}

    @staticmethod
    def _preflight(pdf: Path) -> dict:
        from caipdf.pdf.preflight import preflight

        try:
            report = preflight(pdf)
        except Exception as error:  # pypdf raises many kinds for a damaged file
            return {"status": "failed", "passes": False,
                    "findings": [{"level": "error", "message": f"cannot be read ({error})"}]}
        return {"status": "done", "passes": not report.errors, "standard": report.standard,
                "findings": [{"level": finding.level, "message": finding.message}
                             for finding in report.findings]}
