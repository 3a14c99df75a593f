"""The publish gate refuses unsafe stakeholder pages and names every problem."""

import pytest

from analysis.publish.gate import PublishRefused, check_page, ensure_publishable

SAFE = (
    "<html><head><style>td{color:red}</style></head><body><h1>Report</h1>"
    "<table><tr><td class='count'>12</td><td class='count'>*</td><td class='count'>0</td></tr></table>"
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="A chart of 12 responses">'
    '<a href="tables/fft.csv">CSV</a></body></html>'
)


def test_safe_page_passes():
    assert check_page(SAFE) == []
    ensure_publishable(SAFE, "x.html")


@pytest.mark.parametrize(
    ("fragment", "kind"),
    [
        ("<script>alert(1)</script>", "script"),
        ('<script src="https://cdn.example/x.js"></script>', "script"),
        ('<link rel="stylesheet" href="https://cdn.example/x.css">', "external stylesheet"),
        ('<img src="https://example.org/x.png" alt="x">', "external resource"),
        ("<p>Call me on 07700 900123</p>", "identifier"),
        ("<p>My NHS number is 943 476 5919</p>", "identifier"),
        ("<p>Mrs Smith was lovely</p>", "identifier"),
        ('<img src="data:image/png;base64,AA==" alt="email jo.bloggs@example.com">', "identifier"),
        ("<table><tr><td class='count'>3</td></tr></table>", "small count"),
    ],
)
def test_unsafe_pages_are_refused(fragment, kind):
    page = SAFE.replace("</body>", fragment + "</body>")
    kinds = [p.kind for p in check_page(page)]
    assert kind in kinds
    with pytest.raises(PublishRefused, match="refusing to write out.html"):
        ensure_publishable(page, "out.html")


def test_stricter_threshold_applies_to_the_gate():
    page = "<table><tr><td class='count'>7</td></tr></table>"
    assert check_page(page, min_count=5) == []
    assert [p.kind for p in check_page(page, min_count=10)] == ["small count"]


def test_identifiers_inside_styles_or_image_data_are_not_text():
    page = "<style>/* 943 476 5919 */</style><p>No identifiers here.</p>"
    assert check_page(page) == []
