"""The column redactor finds exactly what it found before its quicker parts: the finders in a
second process, and the name-word test splitting at ASCII white space first.

References: the plain name-word test (every text split at Unicode white space, as the
column redactor did before; copied here), and the finders run in this process. The texts:
the labelled redaction cases, the shipped real comments, identifiers planted in them, and
hand-written edge cases (white space Arrow's two splits read differently, accents, nulls).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from analysis.config import PROJECT_ROOT
from analysis.ingest.redaction import FinderProcess, engine, name_model, process, redact_rows
from analysis.reference import TEXT_COLUMN

CASES = PROJECT_ROOT / "tests" / "ingest" / "data" / "redaction" / "cases.csv"
REAL = PROJECT_ROOT / "src" / "analysis" / "reference" / "labelled_comments_v6.csv.gz"
PLANTED = [
    "Thanks to Kerry on ward 3, ring me on 07700 900123",
    "My NHS number is 943 476 5919, email jo.bloggs@example.org",
    "Dr Patel saw me, d.o.b. 12/03/1956, postcode LE1 7RH",
    "Tracey and Jo Bloggs were lovely",
]
EDGES = [
    "Kerry\xa0Smith was lovely",  # a no-break space: one word to the ASCII split
    "thanks\u2003Priya",  # an em space
    "Kerry\x1cSam",  # a separator only the Unicode split reads as white space
    "great\x1f Kerry",
    "Zoë and Siobhán",  # accents taken off to look names up
    "ZOË was kind",
    "“Kerry” said hello",  # curly quotes trimmed
    "Kerry’s team",
    "\tKerry\n",
    "kerry",
    "nothing here",
    "",
    None,
]


def _plain_name_words(arr: pa.Array) -> np.ndarray:
    """The name-word test as it was: every text split at Unicode white space."""
    words = pc.utf8_split_whitespace(pc.fill_null(arr, ""))
    flat = pc.utf8_trim(pc.list_flatten(words), characters=engine._PUNCTUATION)
    accented = pc.invert(pc.string_is_ascii(flat))
    if pc.any(accented).as_py():
        folded = pc.replace_substring_regex(
            pc.utf8_normalize(pc.filter(flat, accented), "NFKD"), r"\p{Mn}", ""
        )
        flat = pc.replace_with_mask(flat, accented, folded)
    hits = pc.is_in(flat, value_set=engine._name_words())
    rows = pc.filter(pc.list_parent_indices(words), hits).to_numpy(zero_copy_only=False)
    mask = np.zeros(len(arr), dtype=bool)
    mask[rows] = True
    return mask


@pytest.fixture(scope="module")
def texts() -> list[str | None]:
    cases = pd.read_csv(CASES, dtype=str, keep_default_na=False)["text"].tolist()
    real = pd.read_csv(REAL, dtype=str)
    columns = [TEXT_COLUMN, *(c for c in real.columns if c != TEXT_COLUMN)]  # comments first
    comments = [t for c in columns for t in real[c].dropna()]
    planted = [f"{c} {PLANTED[i % len(PLANTED)]}" for i, c in enumerate(comments[:4000])]
    return cases + comments[:20_000] + planted + EDGES


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_the_name_word_test_chooses_the_texts_the_plain_split_chose(texts, kind):
    arr = pa.array(texts, kind)
    np.testing.assert_array_equal(engine._has_name_word(arr), _plain_name_words(arr))
    part = arr.slice(5, len(arr) - 9)  # offsets not starting at 0
    np.testing.assert_array_equal(engine._has_name_word(part), _plain_name_words(part))


def test_the_edge_cases_are_chosen_as_the_plain_split_chose_them():
    arr = pa.array(EDGES, pa.string())
    chosen = engine._has_name_word(arr)
    np.testing.assert_array_equal(chosen, _plain_name_words(arr))
    assert chosen[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]].all()  # each holds a name word
    assert not chosen[[10, 11, 12]].any()


def test_the_finders_in_a_second_process_find_what_they_find_here(texts):
    arr = pa.array(texts, pa.string())
    staff = ("Jo Bloggs", "Tracey")
    here, here_rows = redact_rows(arr, staff)
    with FinderProcess() as finders:
        finders.start()
        there, there_rows = redact_rows(arr, staff, finders=finders)
        assert finders.started  # it answered
    assert there.to_pylist() == here.to_pylist()
    for kind in here_rows:
        np.testing.assert_array_equal(there_rows[kind], here_rows[kind], err_msg=kind)
    assert here_rows["phone"].sum() >= 1000 and here_rows["staff_name"].sum() >= 1000


def test_the_finders_run_here_when_the_process_has_stopped(texts):
    arr = pa.array(texts[:5000] + PLANTED * 600, pa.string())
    here, _ = redact_rows(arr)
    with FinderProcess() as finders:
        finders.start()
        finders._proc.kill()
        finders._proc.wait()
        there, _ = redact_rows(arr, finders=finders)
        assert not finders.started
    assert there.to_pylist() == here.to_pylist()


def test_a_failure_in_the_process_is_reported_and_the_finders_run_here(caplog):
    request = (["Thanks to Kerry"] * process.MIN_TEXTS, b"\xff", (), True)  # too few tries
    with FinderProcess() as finders:
        finders.start()
        with pytest.raises(IndexError):
            finders.find(*request)  # here, after the process failed alike
        assert "the redaction process failed" in caplog.text
        assert finders.started  # it still answers the next request


def test_a_clean_with_the_finders_in_a_process_stores_what_one_without_stores(
    partnership, monkeypatch
):
    from analysis.ingest import clean as clean_module
    from analysis.ingest.store import read_table
    from tests.ingest.conftest import fft_csv

    comments = [t.replace(",", " ").replace('"', "") for t in PLANTED * 600 + EDGES[:-3]]
    rows = [f"R{i},A1,2024-03-{1 + i % 28:02d},1,{t},{t[::-1]}" for i, t in enumerate(comments)]
    cfg = partnership({"fft/2024-03.csv": fft_csv(*rows)})
    here = clean_module.clean(cfg)
    stored = read_table("fft_comments", cfg.processed_dir)
    answered = []
    ask = FinderProcess._ask

    def recorded(self, request):
        answer = ask(self, request)
        answered.append(answer is not None)
        return answer

    monkeypatch.setattr(clean_module, "MIN_FILE_BYTES", 0)  # any file starts the process
    monkeypatch.setattr(FinderProcess, "_ask", recorded)
    there = clean_module.clean(cfg, force=True)
    assert answered and all(answered)  # the process ran the finders
    pd.testing.assert_frame_equal(read_table("fft_comments", cfg.processed_dir), stored)
    assert there["redactions"] == here["redactions"] and here["redactions"]["phone"] >= 600


def test_no_interpreter_to_start_leaves_the_finders_here(monkeypatch, caplog):
    monkeypatch.setattr(process.sys, "executable", "/nonexistent/python")
    arr = pa.array(PLANTED * 600, pa.string())
    here, _ = redact_rows(arr)
    with FinderProcess() as finders:
        finders.start()
        assert not finders.started
        there, _ = redact_rows(arr, finders=finders)
    assert "could not start" in caplog.text
    assert there.to_pylist() == here.to_pylist()


def test_the_process_starts_without_pandas():
    """The process imports only what the finders need: pandas alone took about a third of a
    second of its start, on the core the clean step reads and converts on."""
    script = (
        "import sys\n"
        "from analysis.ingest.redaction import server\n"
        "server.load()\n"
        "assert 'pandas' not in sys.modules, 'the process loaded pandas'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_words_of_the_labelled_comments_read_as_pandas_read_them():
    """name_model.ordinary_words reads the shipped comments with the csv module; the
    reference is the reading it replaced (pandas, every column as text, blanks kept)."""
    from faker.providers.lorem.en_US import Provider as Lorem

    comments = pd.read_csv(
        REAL, usecols=["Respondent ID", TEXT_COLUMN], dtype=str, keep_default_na=False
    )
    half = comments["Respondent ID"].map(name_model.in_vocabulary_half)
    expected = set()
    for text in comments.loc[half, TEXT_COLUMN]:
        expected.update(name_model._WORD.findall(text))
    expected |= {w.lower() for w in Lorem.word_list}
    expected |= name_model.WORD_NAMES | name_model.CALENDAR
    assert name_model.ordinary_words() == expected
    assert len(expected) > 3000


def test_a_process_started_early_and_never_asked_is_stopped_at_once():
    with FinderProcess() as finders:
        finders.start()
        proc = finders._proc
        redact_rows(pa.array(PLANTED, pa.string()), finders=finders)  # too few: run here
    assert proc.returncode is not None and proc.returncode < 0  # killed, not waited for
    with FinderProcess() as finders:
        finders.start()
        proc = finders._proc
        redact_rows(pa.array(PLANTED * 600, pa.string()), finders=finders)
    assert proc.returncode == 0  # asked: it ended at the end of its input


@pytest.mark.parametrize("given", [None, "4"])
def test_the_process_starts_with_one_blas_thread_unless_told_otherwise(monkeypatch, given):
    """The environment handed to the process (read from ``/proc`` after it started, the
    test failed now and then: a process may not be read there at every moment)."""
    if given is None:
        monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("OPENBLAS_NUM_THREADS", given)
    handed = []
    popen = process.subprocess.Popen

    def recording(*args, **kwargs):
        handed.append(kwargs["env"])
        return popen(*args, **kwargs)

    monkeypatch.setattr(process.subprocess, "Popen", recording)
    with FinderProcess() as finders:
        finders.start()
        assert finders.started
    assert handed[0]["OPENBLAS_NUM_THREADS"] == (given or "1")
