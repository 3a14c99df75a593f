"""Notebooks: committed stripped and thin, and every one executes on small demonstration data."""

import ast
import json

import papermill
import pytest

from analysis.config import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
#: The small demonstration data runs January to June 2024; the report notebook runs as an
#: annual report for March 2024 (which also ends a month and a financial quarter).
PARAMETERS = {"10_report": {"month": "2024-03", "kind": "year"}}


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_there_are_notebooks():
    assert {p.stem for p in NOTEBOOKS} >= {"01_clean", "10_report"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    for cell in _cells(path):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name} carries outputs: run nbstripout"
            assert cell["execution_count"] is None, f"{path.name} carries execution counts"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_thin_with_plain_parameters(path):
    code = [c for c in _cells(path) if c["cell_type"] == "code"]
    params = code[0]
    assert "parameters" in params.get("metadata", {}).get("tags", []), (
        "first code cell must be tagged parameters"
    )
    for node in ast.parse("".join(params["source"])).body:
        assert isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant), (
            f"{path.name}: the parameters cell holds plain values only"
        )
    for cell in code:
        tree = ast.parse("".join(cell["source"]))
        defined = [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Lambda)
        ]
        assert not defined, (
            f"{path.name}: notebooks define no functions or classes (move them to src/analysis)"
        )


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_executes_on_demo_data(path, demo_config_path, tmp_path):
    papermill.execute_notebook(
        str(path),
        str(tmp_path / path.name),
        parameters={
            "config_path": str(demo_config_path),
            "month": "2024-06",
            **PARAMETERS.get(path.stem, {}),
        },
        kernel_name="python3",
        progress_bar=False,
        cwd=str(NOTEBOOKS_DIR),
    )
