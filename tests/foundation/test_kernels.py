"""A pooled kernel runs notebooks one after another as fresh kernels would run them."""

from __future__ import annotations

import nbformat
import pytest
from papermill.exceptions import PapermillExecutionError

from analysis.kernels import KernelPool

pytestmark = pytest.mark.slow


def notebook(path, *cells: str, parameters: str = "x = 0"):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    first = nbformat.v4.new_code_cell(parameters)
    first.metadata["tags"] = ["parameters"]
    nb.cells = [first, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nbformat.write(nb, path)
    return path


def outputs(path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [
        o.get("text", "") or o.get("data", {}).get("text/plain", "")
        for c in nb.cells
        for o in c.get("outputs", [])
    ]


def test_each_notebook_starts_fresh_on_a_pooled_kernel(tmp_path):
    first = notebook(tmp_path / "a.ipynb", "left_behind = x * 2", "print(left_behind)")
    second = notebook(
        tmp_path / "b.ipynb",
        "import os\nprint(os.environ.get('ANALYSIS_TEST_DIR'))",
        "print('left_behind' in dir())",
    )
    with KernelPool(1, tmp_path, warm_up="import json") as pool:
        pool.execute(first, tmp_path / "a-out.ipynb", {"x": 21}, {"ANALYSIS_TEST_DIR": "one"})
        pool.execute(second, tmp_path / "b-out.ipynb", {"x": 1}, {"ANALYSIS_TEST_DIR": None})
        pool.execute(second, tmp_path / "c-out.ipynb", {}, {"ANALYSIS_TEST_DIR": "three"})
    assert "42" in outputs(tmp_path / "a-out.ipynb")[0]
    assert [o.strip() for o in outputs(tmp_path / "b-out.ipynb")] == ["None", "False"]
    assert [o.strip() for o in outputs(tmp_path / "c-out.ipynb")] == ["three", "False"]
    # numbered as a fresh kernel numbers them: parameters, injected parameters, then the cells
    nb = nbformat.read(tmp_path / "b-out.ipynb", as_version=4)
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == [1, 2, 3, 4]


def test_a_failing_notebook_raises_and_the_kernel_runs_the_next(tmp_path):
    bad = notebook(tmp_path / "bad.ipynb", "raise ValueError('no such month')")
    good = notebook(tmp_path / "good.ipynb", "print('fine')")
    with KernelPool(1, tmp_path, warm_up="") as pool:
        with pytest.raises(PapermillExecutionError) as err:
            pool.execute(bad, tmp_path / "bad-out.ipynb", {}, {})
        assert err.value.ename == "ValueError" and "no such month" in err.value.evalue
        pool.execute(good, tmp_path / "good-out.ipynb", {}, {})
    assert "fine" in outputs(tmp_path / "good-out.ipynb")[0]


def test_a_kernel_that_died_is_restarted_for_the_next_notebook(tmp_path):
    dies = notebook(tmp_path / "dies.ipynb", "import os\nos._exit(1)")
    good = notebook(tmp_path / "good.ipynb", "print('fine')")
    with KernelPool(1, tmp_path, warm_up="") as pool:
        with pytest.raises(Exception):  # noqa: B017 - papermill reports a dead kernel its own way
            pool.execute(dies, tmp_path / "dies-out.ipynb", {}, {})
        pool.execute(good, tmp_path / "good-out.ipynb", {}, {})
    assert "fine" in outputs(tmp_path / "good-out.ipynb")[0]
