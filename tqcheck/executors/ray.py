"""Documents checked on a Ray cluster (``--executor ray``): actors that keep their Engine and model loaded.

Each actor builds one Engine from the request's settings and checks every document it is sent; with
the model on a cluster that has GPUs, each actor holds one GPU.  Documents are fed to a fixed set of
actors, a few at a time each, so a fast actor takes more.  An actor that dies is restarted by Ray;
the documents it held are sent again (to whichever actor is free), and whatever is still unchecked at
the end is checked here: no document is lost.  Ray is optional (``pip install 'tqcheck[ray]'``).
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from collections import deque
from typing import Callable

from ..document import Document
from ..engine import Engine
from ..errors import TqcheckError
from ..outcome import DocumentOutcome
from . import _spec, check_left_here

INSTALL = "pip install 'tqcheck[ray]'"
IN_FLIGHT = 2  # documents queued on each actor: the next one is there when it finishes one
RESTARTS = 2  # Ray restarts a dead actor this many times (rebuilding its Engine)
SENDS = 3  # a document whose actor died is sent this many times in all, then checked here


def connect_timeout() -> float:
    """Seconds to wait for a Ray cluster to answer (TQCHECK_RAY_CONNECT_TIMEOUT, default 30)."""
    try:
        return float(os.environ.get("TQCHECK_RAY_CONNECT_TIMEOUT", "30"))
    except ValueError:
        raise TqcheckError("TQCHECK_RAY_CONNECT_TIMEOUT: expected a number of seconds") from None


def import_ray():
    try:
        import ray
    except ImportError:
        raise TqcheckError(f"--executor ray needs Ray, which is not installed: {INSTALL}") from None
    return ray


class Checker:
    """One actor's state: the Engine, built once, with its models loaded for every document."""

    def __init__(self, request):
        self.engine = Engine(request.context(), only=request.rules or None)

    def check(self, doc: Document) -> DocumentOutcome:
        return self.engine.check_document(doc)

    def ping(self) -> bool:
        return True


def check_on_ray(engine: Engine, request, docs: list[Document], warn: Callable[[str], None],
                 done: Callable[[Document], None] | None = None) -> list[DocumentOutcome]:
    """Each document's outcome, in order, checked by actors on the cluster at ``request.ray_address``
    (else RAY_ADDRESS; else a Ray started here for the run).  A Ray this process already joined is used
    as it is, and left running."""
    ray = import_ray()
    started = connect(ray, request.ray_address or os.environ.get("RAY_ADDRESS") or None)
    try:
        return RayChecks(ray, request, len(docs)).run(engine, docs, warn, done)
    finally:
        if started:
            ray.shutdown()


def connect(ray, address: str | None) -> bool:
    """Join the cluster (or start a local Ray when ``address`` is None); True when this call did.

    An address that does not answer is an error within ``connect_timeout()`` seconds: Ray's own client
    would keep retrying for minutes."""
    timeout = connect_timeout()
    if address == "local":
        address = None
    if address and address != "auto":
        _probe(address, timeout)
    if ray.is_initialized():
        return False
    options = dict(address=address, include_dashboard=False, logging_level=logging.ERROR, log_to_driver=False)
    if address is None:  # starting Ray here cannot hang on the network: no time limit on a slow start
        _init(ray, options, address)
        return True
    failed: list[BaseException] = []
    joiner = threading.Thread(target=_init, args=(ray, options, address, failed), daemon=True)
    joiner.start()
    joiner.join(timeout)
    if joiner.is_alive():
        raise TqcheckError(f"the Ray cluster at {address} did not answer within {timeout:g} s "
                           "(TQCHECK_RAY_CONNECT_TIMEOUT); is it a Ray head node (`ray start --head`)?")
    if failed:
        raise failed[0]
    return True


def _init(ray, options: dict, address: str | None, failed: list[BaseException] | None = None) -> None:
    try:
        ray.init(**options)
    except Exception as exc:
        if address is None:
            error = TqcheckError(f"could not start a local Ray: {_first_line(exc)}")
        else:
            error = TqcheckError(f"could not join the Ray cluster at {address}: {_first_line(exc)} (a cluster "
                                 "with token authentication also needs RAY_AUTH_MODE=token and its token here)")
        if failed is None:
            raise error from None
        failed.append(error)


def _probe(address: str, timeout: float) -> None:
    """A TCP connection to the head's port, so that a wrong address fails at once with the system's reason."""
    hostport = address.split("://", 1)[-1].rstrip("/")
    host, sep, port = hostport.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit():
        raise TqcheckError(f"Ray address {address!r}: expected HOST:PORT (e.g. 10.0.0.5:6379)")
    try:
        with socket.create_connection((host, int(port)), timeout=min(timeout, 10.0)):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        if isinstance(exc, (socket.timeout, TimeoutError)):
            reason = "no answer"
        raise TqcheckError(f"cannot reach the Ray cluster at {address} ({reason}); start it with "
                           "`ray start --head`, or check --ray-address / RAY_ADDRESS") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


class RayChecks:
    """A fixed set of actors and the loop that feeds them documents; ``actors`` is public for tests."""

    def __init__(self, ray, request, documents: int):
        self.ray = ray
        resources = ray.cluster_resources()
        gpus = int(resources.get("GPU", 0)) if request.use_model else 0
        count = gpus or max(1, int(resources.get("CPU", 1)))
        options = {"num_cpus": 1, "max_restarts": RESTARTS, "max_task_retries": 0}
        if gpus:
            options["num_gpus"] = 1
        actor = ray.remote(Checker).options(**options)
        self.actors = [actor.remote(_spec(request)) for _ in range(max(1, min(count, documents)))]

    def run(self, engine: Engine, docs: list[Document], warn: Callable[[str], None],
            done: Callable[[Document], None] | None = None) -> list[DocumentOutcome]:
        """Feed the actors; a document whose actor died goes back to the queue (up to SENDS sends), and the
        actor gets no more until a ping shows Ray restarted it (a failed ping: it is gone for good)."""
        from ray.exceptions import RayActorError, RayTaskError

        outcomes: list[DocumentOutcome | None] = [None] * len(docs)
        queue = deque(range(len(docs)))
        sends = [0] * len(docs)
        live = set(self.actors)  # those that get documents
        load = {a: 0 for a in self.actors}
        running: dict = {}  # task -> (document index, or None for a ping; actor)
        deaths: list[str] = []
        while running or (queue and live):
            for a in self.actors:
                while a in live and queue and load[a] < IN_FLIGHT:
                    i = queue.popleft()
                    sends[i] += 1
                    running[a.check.remote(docs[i])] = (i, a)
                    load[a] += 1
            ready, _ = self.ray.wait(list(running), num_returns=1)
            task = ready[0]
            i, a = running.pop(task)
            try:
                result = self.ray.get(task)
            except RayActorError as exc:
                if i is None:
                    continue  # the ping failed: the actor is dead for good
                deaths.append(_first_line(exc))
                if sends[i] < SENDS:
                    queue.appendleft(i)
                load[a] -= 1
                if a in live:  # no more documents until it answers again
                    live.discard(a)
                    running[a.ping.remote()] = (None, a)
                continue
            except RayTaskError:  # a bug, not a lost worker: the check here shows it as a local run would
                load[a] -= 1
                continue
            if i is None:
                live.add(a)  # restarted
                continue
            load[a] -= 1
            outcomes[i] = result
            if done:
                done(docs[i])
        if deaths:
            warn(f"a Ray actor died ({deaths[0]}); its documents were sent again")
        left = sum(o is None for o in outcomes)
        if left:
            warn(f"checking here the {left} file(s) the Ray actors did not")
        return check_left_here(engine, docs, outcomes, done)
