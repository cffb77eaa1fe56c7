"""Spark session factory for the lake engine.

One session per process (Spark allows one active SparkContext). The factory checks the two
things that otherwise fail with a long Java stack trace -- a missing Java runtime and an
unreachable master -- and raises :class:`SparkUnavailable` (a ``StoreError``, so the CLI's
``open_workspace`` prints one clear line and exits non-zero).
"""
from __future__ import annotations

import os
import shutil
import socket
import sys
import threading
from urllib.parse import urlparse

from suara.store.store import StoreError

_LOCK = threading.Lock()
_SESSION = None
_SESSION_KEY = None


class SparkUnavailable(StoreError):
    """Spark cannot be used here (no Java, no pyspark, or the master cannot be reached)."""


def check_java() -> str:
    """Path of the ``java`` executable Spark will use; raises SparkUnavailable when absent.

    Example
    -------
    >>> check_java().endswith("java")  # doctest: +SKIP
    True
    """
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "java")):
        return os.path.join(home, "bin", "java")
    found = shutil.which("java")
    if not found:
        raise SparkUnavailable(
            "engine spark needs a Java runtime (17 or 21) and none was found: install one "
            "(e.g. 'apt-get install openjdk-17-jre-headless') or set JAVA_HOME, "
            "or use --engine duckdb")
    return found


def check_master(master: str, timeout: float = 3.0) -> None:
    """Raise SparkUnavailable when a ``spark://`` or ``k8s://`` master does not accept a connection.

    ``local[N]`` and ``yarn`` (located through HADOOP_CONF_DIR) are not probed.

    Example
    -------
    >>> check_master("local[2]")
    >>> check_master("spark://127.0.0.1:1")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    suara.store.spark.SparkUnavailable: ...
    """
    if master.startswith("local") or master == "yarn":
        return
    url = master[len("k8s://"):] if master.startswith("k8s://") else master
    hosts = urlparse(url).netloc.split(",") if "://" in url else [url]
    default_port = 7077 if master.startswith("spark://") else 443
    errors = []
    for h in hosts:
        host, _, port = h.rpartition(":") if ":" in h else (h, "", str(default_port))
        try:
            with socket.create_connection((host, int(port or default_port)), timeout=timeout):
                return
        except (OSError, ValueError) as e:
            errors.append(f"{h}: {e}")
    raise SparkUnavailable(f"Spark master {master} is unreachable ({'; '.join(errors)}); "
                           "check spark.master in suara.yaml or use --engine duckdb")


def get_session(master: str = "local[2]", conf: dict[str, str] | None = None, app: str = "suara"):
    """The process-wide SparkSession (created on first use, reused afterwards).

    Sets PYSPARK_PYTHON / PYSPARK_DRIVER_PYTHON to this interpreter (so executors have the
    same packages), binds to 127.0.0.1 in local mode, keeps timestamps in UTC and turns the
    UI off unless ``conf`` turns it on.

    Example
    -------
    >>> spark = get_session("local[2]")  # doctest: +SKIP
    >>> spark.range(3).count()  # doctest: +SKIP
    3
    """
    global _SESSION, _SESSION_KEY
    conf = dict(conf or {})
    key = (master, tuple(sorted(conf.items())))
    with _LOCK:
        if _SESSION is not None:
            try:
                if _SESSION.sparkContext._jsc is not None:  # still alive
                    return _SESSION
            except Exception:
                pass
            _SESSION = None
        check_java()
        check_master(master)
        try:
            from pyspark.sql import SparkSession
        except ImportError as e:
            raise SparkUnavailable("engine spark needs pyspark: pip install -e '.[spark]'") from e
        os.environ["PYSPARK_PYTHON"] = sys.executable
        os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
        local = master.startswith("local")
        if local:
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        b = (SparkSession.builder.appName(app).master(master)
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")  # Suara draws its own bars
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
             .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
             .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC"))
        if local:
            # in local mode the driver JVM runs every task; its 1 GB default cannot collect the
            # reduced frames of a multi-million-post campaign (TaskResultLost)
            mem = _local_driver_memory()
            b = (b.config("spark.driver.host", "127.0.0.1")
                 .config("spark.driver.bindAddress", "127.0.0.1")
                 .config("spark.sql.shuffle.partitions", "4")
                 .config("spark.driver.memory", mem)
                 .config("spark.driver.maxResultSize", mem))
        for k, v in conf.items():
            b = b.config(k, v)
        try:
            _SESSION = b.getOrCreate()
        except Exception as e:  # Java gateway failures arrive as RuntimeError/Py4JError
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise SparkUnavailable(f"cannot start Spark (master {master}): {first}") from None
        _SESSION.sparkContext.setLogLevel("ERROR")
        _SESSION_KEY = key
        return _SESSION


def _local_driver_memory() -> str:
    """A third of the machine's memory, between 1 and 8 GB (``spark.conf`` overrides it)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "2g"
    return f"{max(1, min(8, int(total / 3 / 2**30)))}g"


def spark_error_message(exc: BaseException) -> str | None:
    """One readable line for an exception raised by a Spark job, or None when it is not one.

    Example
    -------
    >>> spark_error_message(ValueError("x")) is None
    True
    """
    mod = type(exc).__module__ or ""
    if not (mod.startswith("py4j") or mod.startswith("pyspark")):
        return None
    text = str(exc)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    why = next((ln for ln in lines if "Exception:" in ln or "Error:" in ln or "failure:" in ln),
               lines[0] if lines else type(exc).__name__)
    return (f"a Spark job failed: {why[:400]}. If it ran out of memory, raise spark.driver.memory "
            "/ spark.driver.maxResultSize (or executor memory) under spark.conf in suara.yaml")


def stop_session() -> None:
    """Stop the process-wide session (tests and benchmarks call this at the end).

    Example
    -------
    >>> stop_session()
    """
    global _SESSION
    with _LOCK:
        if _SESSION is not None:
            try:
                _SESSION.stop()
            finally:
                _SESSION = None
