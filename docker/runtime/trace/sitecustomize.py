# dlmatrix's import trace. Python imports `sitecustomize` at start-up from the first folder of
# PYTHONPATH that has one; the cell runner puts this folder first for every loader process, so
# an interpreter embedded by the library under test (PyO3's auto-initialize honours PYTHONPATH)
# records, whatever the host program prints or hides:
#   - every extension module that fails to load, with the dynamic loader's own message
#     (`undefined symbol: PyObject_SelfIter`), which NumPy later wraps in misleading advice;
#   - the start and the end (ok with version, or the exception chain) of each watched import.
# One JSON object per line, appended to the file named by DLMATRIX_TRACE. Nothing else about the
# program changes: the distro's own sitecustomize, shadowed by this one, is run afterwards.
import os
import sys


def exception_chain(exc):
    """The exception, then its __cause__/__context__ down to the original error (the dlmatrix
    probe reports its failed imports with this too)."""
    seen, links = set(), []
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        links.append({"type": type(exc).__name__, "message": str(exc)})
        exc = exc.__cause__ or exc.__context__
    return links


def _install(trace_path, watched):
    import json
    from importlib import machinery

    def emit(event):
        try:
            line = (json.dumps(event) + "\n").encode("utf-8", "replace")
            fd = os.open(trace_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
        except Exception:
            pass  # the trace must never break the program it watches

    emit({"event": "start", "pid": os.getpid(), "python": "%d.%d.%d" % sys.version_info[:3],
          "executable": sys.executable})

    create_module = machinery.ExtensionFileLoader.create_module

    def traced_create_module(self, spec):
        try:
            return create_module(self, spec)
        except ImportError as exc:
            emit({"event": "extension-failed", "module": spec.name, "path": getattr(spec, "origin", None),
                  "error": str(exc)})
            raise

    machinery.ExtensionFileLoader.create_module = traced_create_module

    class WatchFinder(object):
        """Finds nothing itself: wraps the loader another finder returns for a watched module."""

        def find_spec(self, name, path=None, target=None):
            if name not in watched:
                return None
            for finder in sys.meta_path:
                find = getattr(finder, "find_spec", None)
                if finder is self or find is None:
                    continue
                spec = find(name, path, target)
                if spec is not None:
                    break
            else:
                emit({"event": "import", "module": name, "ok": False,
                      "chain": [{"type": "ModuleNotFoundError", "message": "No module named %r" % name}]})
                return None
            loader = spec.loader
            create_module = getattr(loader, "create_module", None)
            exec_module = getattr(loader, "exec_module", None)
            if exec_module is None or isinstance(loader, type):
                return spec  # built-in or frozen: nothing worth watching

            def failed(exc):
                import traceback  # only when something failed: every loader pays for imports at start

                emit({"event": "import", "module": name, "ok": False, "chain": exception_chain(exc),
                      "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))})

            # An extension module is loaded (dlopen) in create_module, a package runs in exec_module.
            def traced_create_module(spec):
                emit({"event": "import-start", "module": name})
                try:
                    return create_module(spec) if create_module is not None else None
                except BaseException as exc:
                    failed(exc)
                    raise

            def traced_exec_module(module):
                try:
                    exec_module(module)
                except BaseException as exc:
                    failed(exc)
                    raise
                emit({"event": "import", "module": name, "ok": True,
                      "version": str(getattr(module, "__version__", ""))})

            loader.create_module = traced_create_module
            loader.exec_module = traced_exec_module
            return spec

    sys.meta_path.insert(0, WatchFinder())


def _run_shadowed_sitecustomize():
    from importlib import machinery, util

    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is not None and spec.loader is not None:
        spec.loader.exec_module(util.module_from_spec(spec))


if os.environ.get("DLMATRIX_TRACE"):
    _install(os.environ["DLMATRIX_TRACE"],
             set(name for name in os.environ.get("DLMATRIX_WATCH", "").split(",") if name))
_run_shadowed_sitecustomize()
