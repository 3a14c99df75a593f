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
"""

from __future__ import annotations

import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

import papermill
from jupyter_client.manager import AsyncKernelManager


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
    return frozenset(papermill.inspect_notebook(str(notebook)))


def execute(notebook: Path, output: Path, parameters: dict, cwd: Path) -> Path:
    """Run ``notebook`` into ``output`` with the ``parameters`` it declares; returns ``output``."""
    output.parent.mkdir(parents=True, exist_ok=True)
    known = declared_parameters(notebook, notebook.stat().st_mtime)
    papermill.execute_notebook(
        str(notebook),
        str(output),
        parameters={k: v for k, v in parameters.items() if k in known},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(cwd),
        kernel_manager_class=PrivateKernelManager,
    )
    return output
