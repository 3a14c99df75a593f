"""Charts as accessible HTML: embedded PNG with alt text and a caption, also saved for board papers."""

from __future__ import annotations

import base64
import html
import io
import os
from pathlib import Path


def figure_html(fig, alt: str, caption: str, save_as: str | os.PathLike | None = None) -> str:
    """Return ``fig`` as a ``<figure>`` with an embedded PNG, ``alt`` text and ``caption``.

    With ``save_as`` the PNG is also written there, carrying ``alt`` as its description
    (so the download keeps its text alternative, and the publish gate reads it). The
    figure is closed.
    """
    import matplotlib.pyplot as plt  # here: importing this module must not start matplotlib

    buf = io.BytesIO()
    fig.savefig(
        buf, format="png", bbox_inches="tight", metadata={"Software": None, "Description": alt}
    )
    plt.close(fig)
    png = buf.getvalue()
    if save_as:
        Path(save_as).parent.mkdir(parents=True, exist_ok=True)
        Path(save_as).write_bytes(png)
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )
