"""Plays the Lambda Python runtime for one function, the way tests/integration/test_built_layer.py needs it.

Run as ``python -I -S lambda_bootstrap.py REQUEST.json`` (no site-packages, no PYTHONPATH, not the
script's folder): the only import roots are the function's folder (``/var/task`` on Lambda) and the
built layer's ``python`` folder (``/opt/python``), in Lambda's order. Standard library only.

The request names ``task_root``, ``layer_root``, ``handler`` (``module.attribute``), ``function_name``
and ``steps``, in order: ``{"event": ...}`` is one invocation (all in the same warm process),
``{"call": "module:function", "kwargs": {...}}`` calls into the same code as a deploy step would
(publishing the default categories). The results (a value, or the exception's type and message), where every
loaded module came from and the distributions the path holds are written to ``output`` as JSON.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import sys
import sysconfig
import time
import traceback
import uuid
from typing import Any


class LambdaContext:
    """The attributes the Lambda runtime's context object has."""

    def __init__(self, function_name: str, region: str, timeout_ms: int = 30_000) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{region}:123456789012:function:{function_name}"
        self.memory_limit_in_mb = 512
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "2026/11/27/[$LATEST]0123456789abcdef"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + timeout_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _outcome(call: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        return {"ok": True, "value": call(), "seconds": time.perf_counter() - started}
    except Exception as exc:
        return {
            "ok": False,
            "seconds": time.perf_counter() - started,
            "type": type(exc).__name__,
            "message": str(exc),
            "traceback": traceback.format_exc(),
        }


def _origins(roots: dict[str, str]) -> dict[str, list[str]]:
    """Every loaded module with a file, by the root it came from ("other" is anything else)."""
    found: dict[str, list[str]] = {name: [] for name in [*roots, "other"]}
    for name, module in sorted(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if not path:
            continue
        path = os.path.realpath(path)
        if path == os.path.realpath(__file__):  # this bootstrap (__main__): the runtime's own code on Lambda
            continue
        root = next((r for r, folder in roots.items() if path.startswith(folder + os.sep)), "other")
        found[root].append(name if root != "other" else f"{name}: {path}")
    return found


def main(request_path: str) -> None:
    with open(request_path, encoding="utf-8") as file:
        request = json.load(file)
    task_root, layer_root = request["task_root"], request["layer_root"]
    # Lambda's order: the function's code, then the layer's /opt/python (then the runtime's own).
    sys.path[:0] = [task_root, layer_root]
    os.chdir(task_root)
    module_name, _, attribute = request["handler"].rpartition(".")
    region = os.environ.get("AWS_REGION", "us-east-1")

    loaded: dict[str, Any] = {}

    def load() -> None:
        loaded["handler"] = getattr(importlib.import_module(module_name), attribute)

    init = _outcome(load)  # the init phase: import the handler's module
    handler = loaded.get("handler")
    results = []
    for step in request["steps"]:
        if "call" in step:  # a deploy-time call into the same code (e.g. publishing the defaults)
            target_module, _, function = step["call"].partition(":")
            target = getattr(importlib.import_module(target_module), function)
            results.append(_outcome(lambda target=target, step=step: target(**step.get("kwargs", {}))))
            continue
        context = LambdaContext(request["function_name"], region)
        os.environ["_X_AMZN_TRACE_ID"] = f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Sampled=0"
        if handler is None:
            results.append({"ok": False, "type": "HandlerNotLoaded", "message": init.get("message", "")})
            continue
        event = step["event"]
        results.append(_outcome(lambda event=event, context=context: handler(event, context)))

    stdlib = {os.path.realpath(sysconfig.get_paths()[key]) for key in ("stdlib", "platstdlib")}
    roots = {"task": os.path.realpath(task_root), "layer": os.path.realpath(layer_root)}
    roots.update({f"stdlib{i}": path for i, path in enumerate(sorted(stdlib))})
    report = {
        "init": init,
        "invocations": results,
        "sys_path": sys.path,
        "origins": _origins(roots),
        "distributions": sorted(
            {(d.metadata["Name"], d.version) for d in importlib.metadata.distributions()}
        ),
    }
    with open(request["output"], "w", encoding="utf-8") as file:
        json.dump(report, file, default=str)


if __name__ == "__main__":
    main(sys.argv[1])
