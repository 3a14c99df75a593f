"""Execute a notebook with papermill: a private kernel, only the parameters it declares.

Two things an analyst watching a run should not have to read:

* ipykernel warns that a kernel "is running over TCP without encryption" when the kernel
  listens on localhost ports. The kernels here listen on Unix sockets instead (``ipc``
  transport) in a folder only this user can open, so other users of the machine cannot
  connect and there is nothing to warn about.
* papermill warns "Passed unknown parameter" when a notebook does not declare a
  parameter it is given (the analysis notebooks take no ``scope``). Only the parameters
  the notebook's ``parameters`` cell declares are passed.

A kernel whose parent run is killed exits by itself: jupyter_client tells it the
parent's pid and ipykernel's parent poller stops the kernel when that parent is gone.

Starting a kernel and importing pandas, matplotlib, statsmodels and the project costs
several seconds, more than most of the notebooks take to run. A month's notebooks
therefore run on a :class:`KernelPool`: a few kernels, started (and their imports
warmed) while the parent does other work, each running notebooks one after another.
Each notebook starts from an empty namespace (IPython's ``%reset -f``), with every
figure closed and the environment it is given, and its cells are numbered from 1, as
in a fresh kernel; imported modules stay loaded, which is the point.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

#: Imported by each pooled kernel as soon as it starts, while the parent does other work.
WARM_UP = """
import matplotlib
matplotlib.use("agg")
import matplotlib.pyplot, pandas, statsmodels.api
import analysis.context, analysis.publish.sections, analysis.query
"""


class PrivateKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel listens on Unix sockets in a private temporary folder."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # mkdtemp makes the folder readable and writable by this user only (mode 0700).
        self._socket_dir = tempfile.mkdtemp(prefix=f"analysis-kernel-{os.getpid()}-")
        self.transport = "ipc"
        self.ip = str(Path(self._socket_dir) / "kernel")

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._socket_dir, ignore_errors=True)


@cache
def declared_parameters(notebook: Path, modified: float) -> frozenset[str]:
    """The names the notebook's ``parameters`` cell assigns (cached per file version)."""
    import papermill  # here: a pool starts its kernels before papermill is loaded

    return frozenset(papermill.inspect_notebook(str(notebook)))


def execute(notebook: Path, output: Path, parameters: dict, cwd: Path, **kernel) -> Path:
    """Run ``notebook`` into ``output`` with the ``parameters`` it declares; returns ``output``.

    On a kernel of its own, started in ``cwd``, or on the kernel given as ``km=…``.
    """
    import papermill

    output.parent.mkdir(parents=True, exist_ok=True)
    known = declared_parameters(notebook, notebook.stat().st_mtime)
    where = kernel or {"cwd": str(cwd), "kernel_manager_class": PrivateKernelManager}
    papermill.execute_notebook(
        str(notebook),
        str(output),
        parameters={k: v for k, v in parameters.items() if k in known},
        kernel_name="python3",
        progress_bar=False,
        request_save_on_cell_execute=False,  # written once, at the end
        **where,
    )
    return output


class KernelError(RuntimeError):
    """A pooled kernel refused its set-up code (the error's name and value, as papermill's)."""

    def __init__(self, ename: str, evalue: str):
        super().__init__(f"{ename}: {evalue}")
        self.ename, self.evalue = ename, evalue


class PooledKernel:
    """One kernel that runs notebooks one after another, on a thread of its own (the
    kernel manager's event loop belongs to that thread)."""

    def __init__(self, cwd: Path, warm_up: str = WARM_UP):
        self.km = PrivateKernelManager(kernel_name="python3")
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kernel")
        self._closed = False
        self._ready = self._thread.submit(self._start, cwd, warm_up)

    def _start(self, cwd: Path, warm_up: str) -> None:
        run_sync(self.km.start_kernel)(cwd=str(cwd))
        if warm_up:
            self._run_code(warm_up)

    def _run_code(self, code: str) -> None:
        client = self.km.blocking_client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=120)
            reply = client.execute_interactive(
                code, timeout=300, store_history=False, output_hook=lambda msg: None
            )
        finally:
            client.stop_channels()
        content = reply["content"]
        if content["status"] != "ok":
            raise KernelError(content.get("ename", "Error"), content.get("evalue", ""))

    def submit(self, notebook: Path, output: Path, parameters: dict, env: dict) -> Future:
        """Run ``notebook`` into ``output`` once the kernel is free; ``env`` sets (or, with
        ``None`` values, removes) environment variables for it."""
        return self._thread.submit(self._execute, notebook, output, parameters, env)

    def _execute(self, notebook: Path, output: Path, parameters: dict, env: dict) -> Path:
        self._ready.result()
        if not run_sync(self.km.is_alive)():  # died with the notebook before (out of memory…)
            run_sync(self.km.restart_kernel)(now=True)
        self._run_code(_fresh_namespace(env))
        execute(notebook, output, parameters, Path.cwd(), km=self.km)
        _number_from_one(output)
        return output

    def close(self) -> None:
        """Shut the kernel down (at once: nothing of it is kept); closing again does nothing."""
        if self._closed:
            return
        self._closed = True

        def stop() -> None:
            if self.km.has_kernel:
                run_sync(self.km.shutdown_kernel)(now=True)

        try:
            self._thread.submit(stop).result()
        finally:
            self._thread.shutdown()


def _fresh_namespace(env: dict) -> str:
    """Code that closes every figure, sets ``env`` and empties the namespace."""
    values = {k: v for k, v in env.items() if v is not None}
    unset = [k for k, v in env.items() if v is None]
    return "\n".join(
        [
            "import os, matplotlib.pyplot",
            "matplotlib.pyplot.close('all')",
            f"os.environ.update({json.dumps(values)})",
            f"[os.environ.pop(k, None) for k in {json.dumps(unset)}]",
            "get_ipython().run_line_magic('reset', '-f')",
        ]
    )


def _number_from_one(path: Path) -> None:
    """Number the executed cells 1, 2, … as a fresh kernel would (a pooled kernel's
    counter runs on from the notebooks before)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.get("execution_count") is None:
            continue
        count += 1
        cell.execution_count = count
        for out in cell.get("outputs", []):
            if "execution_count" in out:
                out["execution_count"] = count
    nbformat.write(nb, path)


class KernelPool:
    """``size`` pooled kernels; :meth:`run` spreads notebooks over them, each to the
    next free kernel. Use as a context manager: the kernels stop at the end."""

    def __init__(self, size: int, cwd: Path, warm_up: str = WARM_UP):
        self.kernels = [PooledKernel(cwd, warm_up) for _ in range(max(1, size))]
        self._free: queue.Queue[PooledKernel] = queue.Queue()
        for kernel in self.kernels:
            self._free.put(kernel)

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def execute(self, notebook: Path, output: Path, parameters: dict, env: dict) -> Path:
        """Run one notebook on the next free kernel (blocks until it is done)."""
        kernel = self._free.get()
        try:
            return kernel.submit(notebook, output, parameters, env).result()
        finally:
            self._free.put(kernel)

    def close(self) -> None:
        """Stop every kernel."""
        for kernel in self.kernels:
            kernel.close()
