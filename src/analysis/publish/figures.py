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

    png = png_bytes(fig, {"Software": None, "Description": alt})
    plt.close(fig)
    if save_as:
        Path(save_as).parent.mkdir(parents=True, exist_ok=True)
        Path(save_as).write_bytes(png)
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def png_bytes(fig, metadata: dict) -> bytes:
    """``fig`` as PNG at ``savefig.dpi``, cropped to its drawn extent padded by
    ``savefig.pad_inches`` (the size ``savefig(bbox_inches="tight")`` gives), drawn once."""
    import matplotlib as mpl
    import matplotlib.image
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_rgba

    dpi, pad = mpl.rcParams["savefig.dpi"], mpl.rcParams["savefig.pad_inches"]
    dpi = fig.dpi if dpi == "figure" else dpi
    buf = io.BytesIO()
    if fig.get_layout_engine() is not None or not isinstance(pad, float | int):
        fig.savefig(buf, format="png", bbox_inches="tight", metadata=metadata)
        return buf.getvalue()
    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    drawn = fig.get_tightbbox(canvas.get_renderer())  # inches
    full_w, full_h = int(fig.bbox.width), int(fig.bbox.height)
    box = drawn.padded(pad)
    if drawn.x0 < 0 or drawn.y0 < 0 or drawn.x1 * dpi > full_w or drawn.y1 * dpi > full_h:
        # outside the canvas: savefig draws it again on a canvas of the box (as "tight" does)
        fig.savefig(buf, format="png", bbox_inches=box, metadata=metadata)
        return buf.getvalue()
    width, height = int(box.width * dpi), int(box.height * dpi)  # as savefig sizes it
    left, top = round(box.x0 * dpi), full_h - round(box.y0 * dpi) - height  # rows from the top
    face = np.array(to_rgba(fig.get_facecolor())) * 255
    out = np.empty((height, width, 4), dtype=np.uint8)
    out[...] = face.round().astype(np.uint8)
    rows, cols = (
        slice(max(top, 0), min(top + height, full_h)),
        slice(max(left, 0), min(left + width, full_w)),
    )
    out[rows.start - top : rows.stop - top, cols.start - left : cols.stop - left] = np.asarray(
        canvas.buffer_rgba()
    )[rows, cols]
    matplotlib.image.imsave(buf, out, format="png", origin="upper", dpi=dpi, metadata=metadata)
    return buf.getvalue()
