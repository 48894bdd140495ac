"""Import jobs: an import started from the app runs in a worker thread that the page polls.

The page keeps the :class:`ImportJob`, shows :meth:`ImportJob.status` (phase, objects read) and
may :meth:`ImportJob.cancel` it. A cancelled job writes nothing: reading stops (when the reader
supports it) or its result is dropped, and a cancel that arrives while saving rolls the
transaction back. One import runs at a time per server process (an extract in memory is large);
the others wait in the phase ``queued``. No Streamlit here: plain threads, testable on their own.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from accounts.auth import Actor, require_role
from base.errors import AtlasError, ImportCancelled
from base.i18n import N_
from base.settings import Settings
from catalogue.importer import Progress
from catalogue.store import CURATORS, ImportSummary

QUEUED, READING, FETCHING, SAVING = "queued", "reading", "fetching", "saving"
RUNNING, DONE, FAILED, CANCELLED = "running", "done", "failed", "cancelled"
# One import at a time in this process; a queued job checks for a cancel this often.
_SLOT = threading.Lock()
_POLL_S = 0.2
_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobStatus:
    id: str
    area_name: str
    source: str
    state: str  # running | done | failed | cancelled
    phase: str  # queued | reading (or the reader's own phase) | saving
    objects: int
    seconds: float
    summary: ImportSummary | None = None
    error: AtlasError | None = None

    @property
    def finished(self) -> bool:
        return self.state != RUNNING


# What a job does: (progress, cancel, before_commit) → summary.
Work = Callable[[Progress, threading.Event, Callable[[], None]], ImportSummary]


class ImportJob:
    """One import in a daemon thread; construct with :func:`start_import`."""

    def __init__(self, *, area_name: str, source: str, work: Work, cleanup: Path | None) -> None:
        self.id = uuid.uuid4().hex
        self.area_name = area_name
        self.source = source
        self._work = work
        self._cleanup = cleanup
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._state, self._phase, self._objects = RUNNING, QUEUED, 0
        self._summary: ImportSummary | None = None
        self._error: AtlasError | None = None
        self._started = time.monotonic()
        self._ended: float | None = None
        self._thread = threading.Thread(target=self._run, name=f"import-{self.id[:8]}", daemon=True)

    # ---- called by the page

    def status(self) -> JobStatus:
        with self._lock:
            end = self._ended if self._ended is not None else time.monotonic()
            return JobStatus(
                id=self.id,
                area_name=self.area_name,
                source=self.source,
                state=self._state,
                phase=self._phase,
                objects=self._objects,
                seconds=end - self._started,
                summary=self._summary,
                error=self._error,
            )

    def cancel(self) -> None:
        """Ask the job to stop; it ends ``cancelled`` unless it had already committed."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> JobStatus:
        self._thread.join(timeout)
        return self.status()

    # ---- the worker

    def _progress(self, phase: str, objects: int) -> None:
        with self._lock:
            self._phase, self._objects = phase, int(objects)

    def _check_cancel(self) -> None:
        if self._cancel.is_set():
            raise ImportCancelled()

    def _run(self) -> None:
        state, summary = FAILED, None
        error: AtlasError | None = None
        try:
            while not _SLOT.acquire(timeout=_POLL_S):
                self._check_cancel()
            try:
                self._check_cancel()
                self._progress(READING, 0)
                summary = self._work(self._progress, self._cancel, self._before_commit)
                state = DONE
            finally:
                _SLOT.release()
        except ImportCancelled as err:
            state, error = CANCELLED, err
        except AtlasError as err:
            # A reader that stopped on the cancel event may raise its own error: still a cancel.
            state, error = (CANCELLED, ImportCancelled()) if self._cancel.is_set() else (FAILED, err)
        except Exception as exc:  # noqa: BLE001 - the worker's boundary: report, never die silently
            if self._cancel.is_set():
                state, error = CANCELLED, ImportCancelled()
            else:
                _LOG.exception("import job %s (%s) failed", self.id, self.source)
                error = AtlasError(
                    N_("The import stopped unexpectedly ({name__}); nothing was written."), name__=exc.__class__.__name__,
                )
        finally:
            if self._cleanup is not None:
                shutil.rmtree(self._cleanup, ignore_errors=True)
            with self._lock:
                self._state, self._summary, self._error = state, summary, error
                self._ended = time.monotonic()

    def _before_commit(self) -> None:
        self._check_cancel()


def start_import(*, area_name: str, source: str, work: Work, cleanup: Path | None = None) -> ImportJob:
    """Run ``work`` in a worker thread; ``cleanup`` (an upload folder) is removed when it ends."""
    job = ImportJob(area_name=area_name, source=source, work=work, cleanup=cleanup)
    job._thread.start()
    return job


def start_file_import(
    engine: Engine,
    *,
    actor: Actor,
    path: Path,
    area_name: str,
    cleanup: Path | None = None,
    published: bool = True,
) -> ImportJob:
    """Import an extract file in a worker thread (see :func:`catalogue.importer.import_file`)."""
    from catalogue.importer import import_file

    require_role(actor, *CURATORS)  # refused before a thread starts (and again in import_file)

    def work(progress: Progress, cancel: threading.Event, before_commit: Callable[[], None]) -> ImportSummary:
        return import_file(
            engine,
            actor=actor,
            path=path,
            area_name=area_name,
            progress=progress,
            cancel=cancel,
            before_commit=before_commit,
            published=published,
        )

    return start_import(area_name=area_name, source=path.name, work=work, cleanup=cleanup)


def start_overpass_import(
    engine: Engine,
    *,
    actor: Actor,
    area_name: str,
    place: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    settings: Settings | None = None,
) -> ImportJob:
    """A live Overpass import in a worker thread; a cancel during the download drops its result."""
    from catalogue.importer import import_overpass

    require_role(actor, *CURATORS)

    def work(progress: Progress, cancel: threading.Event, before_commit: Callable[[], None]) -> ImportSummary:
        progress(FETCHING, 0)
        return import_overpass(
            engine,
            actor=actor,
            area_name=area_name,
            place=place,
            bbox=bbox,
            settings=settings,
            before_commit=before_commit,
        )

    source = f"overpass:{place}" if place is not None else f"overpass:{bbox}"
    return start_import(area_name=area_name, source=source, work=work)
