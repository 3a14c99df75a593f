"""The clean step keeps a comment's neutralising quote: it never strips a leading ``'``."""

from analysis.ingest.clean import clean
from analysis.ingest.store import read_table
from tests.ingest.conftest import fft_csv

COMMENT = '\'=HYPERLINK(""http://evil.example"",""Dr Patel"")'


def test_a_quoted_formula_survives_clean_apart_from_redaction(partnership):
    cfg = partnership({"fft/fft_2024-03.csv": fft_csv(f'R1,A1,15/03/2024,Very good,"{COMMENT}",')})
    clean(cfg)
    comments = read_table("fft_comments", cfg.processed_dir)
    assert comments["text"].tolist() == ['\'=HYPERLINK("http://evil.example","Dr [name]")']
