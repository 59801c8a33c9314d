"""Engines run the per-document work: `local` (worker processes on this machine) or `dask`
(a Dask distributed cluster). Both call `work.analyse_bytes`, so their results are identical.

An engine takes the paths to scan and calls `on_outcome` in the parent process as each document
finishes; the parent journals it at once. A worker that dies or hangs costs one document (an
error row), never the scan.
"""

from __future__ import annotations

import os
import signal
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import PolicyspaceError
from .records import ErrorKind
from .work import Outcome, analyse_bytes, analyse_file, error_outcome, read_document

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from .analysis import Analyser
    from .cache import ScanCache

OnOutcome = Callable[[Outcome], None]


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# ---------------------------------------------------------------- local engine


def _die_with_parent() -> None:
    """Linux: have the kernel kill this worker when the parent dies (kill -9 included)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # elsewhere the worker stops at its next read from the closed pipe


def _worker_main(conn: Connection, inherited: list[Connection], analyser: Analyser | None,
                 cache: ScanCache | None) -> None:
    """Worker loop: receive a path, send back its Outcome; stop on None or when the parent goes."""
    import gc

    for other in inherited:  # the parent's ends of every pipe: holding them would hide its death
        other.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C does
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    if analyser is None:  # "spawn" start method: nothing was inherited
        from .analysis import load_analyser

        analyser = load_analyser()
    gc.freeze()  # keep the inherited ruleset and parser out of every collection (and copy-on-write)
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if path is None:
            return
        try:
            conn.send(analyse_file(path, analyser, cache))
        except (BrokenPipeError, OSError):
            return


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    path: str | None = None
    started: float = 0.0


@dataclass
class LocalEngine:
    """Worker processes on this machine, each fed one document at a time over its own pipe, so
    the parent always knows which document a dead or hung worker was reading."""

    analyser: Analyser
    jobs: int
    cache: ScanCache | None = None  # workers store parsed documents here
    timeout: float | None = None  # seconds per document; None: no limit
    _workers: list[_Worker] = field(default_factory=list)

    def run(self, paths: list[str], on_outcome: OnOutcome) -> None:
        import multiprocessing
        from multiprocessing.connection import wait

        methods = multiprocessing.get_all_start_methods()
        self._ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self._inherit = "fork" in methods
        queue = deque(paths)
        retried: set[str] = set()
        try:
            for _ in range(min(self.jobs, len(queue))):
                worker = self._start_worker()
                self._assign(worker, queue)
            while any(w.path is not None for w in self._workers):
                busy = [w for w in self._workers if w.path is not None]
                waiting: list[Any] = [w.conn for w in busy] + [w.process.sentinel for w in busy]
                ready = set(wait(waiting, timeout=self._wait_time(busy)))
                for worker in busy:
                    if worker.conn in ready:
                        try:
                            outcome = worker.conn.recv()
                        except (EOFError, OSError):
                            outcome = None
                        if outcome is not None:
                            worker.path = None
                            on_outcome(outcome)
                            self._assign(worker, queue)
                            continue
                    if worker.conn in ready or worker.process.sentinel in ready:
                        path = worker.path
                        assert path is not None
                        worker.process.join(1)
                        if path not in retried:  # a stray kill is not the document's fault: retry once
                            retried.add(path)
                            queue.appendleft(path)
                        else:
                            on_outcome(error_outcome(
                                path, ErrorKind.CRASH, _crash_message(path, worker.process.exitcode)
                            ))
                        self._replace(worker, queue)
                    elif self.timeout is not None and time.monotonic() - worker.started > self.timeout:
                        path = worker.path
                        assert path is not None
                        worker.process.kill()
                        worker.process.join()
                        self._replace(worker, queue)
                        on_outcome(error_outcome(
                            path, ErrorKind.TIMEOUT,
                            f"{path}: error: reading this document took more than {self.timeout:g} s "
                            "(--timeout); it was stopped so the scan could go on",
                        ))
        finally:
            self._shutdown()

    def _wait_time(self, busy: list[_Worker]) -> float | None:
        if self.timeout is None:
            return None
        now = time.monotonic()
        return max(0.01, min(w.started + self.timeout - now for w in busy))

    def _start_worker(self) -> _Worker:
        parent_end, child_end = self._ctx.Pipe()
        inherited = [parent_end, *(w.conn for w in self._workers)] if self._inherit else []
        process = self._ctx.Process(
            target=_worker_main,
            args=(child_end, inherited, self.analyser if self._inherit else None, self.cache),
            daemon=True,
            name="policyspace-scan-worker",
        )
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        self._workers.append(worker)
        return worker

    def _assign(self, worker: _Worker, queue: deque[str]) -> None:
        if not queue:
            worker.path = None
            return
        worker.path = queue.popleft()
        worker.started = time.monotonic()
        try:
            worker.conn.send(worker.path)
        except (BrokenPipeError, OSError):
            pass  # the worker died: its sentinel reports it on the next wait

    def _replace(self, dead: _Worker, queue: deque[str]) -> None:
        dead.conn.close()
        self._workers.remove(dead)
        if queue:
            self._assign(self._start_worker(), queue)

    def _shutdown(self) -> None:
        for worker in self._workers:
            if worker.path is None:
                try:
                    worker.conn.send(None)
                except (BrokenPipeError, OSError):
                    pass
            else:  # interrupted mid-document: nothing of it is kept, so stop it now
                worker.process.kill()
        for worker in self._workers:
            worker.process.join(5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self._workers.clear()


def _crash_message(path: str, exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            how = f"was killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"was killed by signal {-exitcode}"
    else:
        how = f"exited with status {exitcode}"
    return (f"{path}: error: the worker process reading this document {how}, twice "
            "(out of memory? a crash in a library?); the other documents were not affected")


# ---------------------------------------------------------------- dask engine

_DASK_ANALYSER: Analyser | None = None


class RulesetMismatch(Exception):
    pass


def dask_task(path: str, data: bytes, ruleset_version: str) -> Outcome:
    """Runs on a Dask worker: the same work as a local worker, on bytes sent by the client (so
    workers need policyspace installed, not access to the client's files)."""
    global _DASK_ANALYSER
    if _DASK_ANALYSER is None:
        from .analysis import load_analyser

        _DASK_ANALYSER = load_analyser()
    if _DASK_ANALYSER.version != ruleset_version:
        raise RulesetMismatch(
            f"a Dask worker has ruleset version {_DASK_ANALYSER.version}, the client "
            f"{ruleset_version}: install the same policyspace (and rulesets) on every worker"
        )
    return analyse_bytes(path, data, _DASK_ANALYSER)


def _check_reachable(address: str) -> None:
    """Fail in a moment, not after the client's long timeout, when nothing listens there."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in ("tcp", "tls") or not parts.hostname or not parts.port:
        return  # other transports (inproc, ucx, ws): let Dask judge
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=10).close()
    except OSError as exc:
        raise OSError(exc.strerror or str(exc)) from None


@dataclass
class DaskEngine:
    """Submit one task per document to a Dask distributed cluster.

    Without a scheduler address a LocalCluster with `jobs` single-threaded worker processes is
    started (and stopped) here. At most `window` documents are in flight, so a corpus of any
    size never sits in memory at once.
    """

    analyser: Analyser
    jobs: int
    scheduler: str | None = None
    window_per_thread: int = 4

    def run(self, paths: list[str], on_outcome: OnOutcome) -> None:
        try:
            from distributed import Client, LocalCluster, as_completed
        except ImportError:
            raise PolicyspaceError(
                "--engine dask needs Dask distributed: pip install 'policyspace[dask]'"
            ) from None
        cluster = None
        try:
            if self.scheduler:
                _check_reachable(self.scheduler)
                client = Client(self.scheduler, timeout="30s")
            else:
                cluster = LocalCluster(
                    n_workers=self.jobs, threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=50,
                )
                client = Client(cluster)
        except (OSError, TimeoutError, ValueError) as exc:
            where = f"the Dask scheduler at {self.scheduler}" if self.scheduler else "a local Dask cluster"
            raise PolicyspaceError(f"cannot connect to {where}: {exc}") from None
        try:
            self._run(client, as_completed, paths, on_outcome)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    def _run(self, client: Any, as_completed: Any, paths: list[str], on_outcome: OnOutcome) -> None:
        threads = sum(client.nthreads().values()) or 1
        window = max(2, threads * self.window_per_thread)
        queue = deque(paths)
        submitted: dict[Any, str] = {}
        pending = as_completed()

        def submit_next() -> None:
            while queue:
                path = queue.popleft()
                data = read_document(path)
                if isinstance(data, Outcome):
                    on_outcome(data)
                    continue
                future = client.submit(dask_task, path, data, self.analyser.version, pure=False)
                submitted[future] = path
                pending.add(future)
                return

        for _ in range(window):
            submit_next()
        for future in pending:
            path = submitted.pop(future)
            try:
                outcome = future.result()
            except RulesetMismatch as exc:
                raise PolicyspaceError(str(exc)) from None
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker: that document's error, not the scan's
                outcome = error_outcome(
                    path, ErrorKind.CRASH,
                    f"{path}: error: the Dask task for this document failed: {type(exc).__name__}: {exc}",
                )
            future.release()
            on_outcome(outcome)
            submit_next()
