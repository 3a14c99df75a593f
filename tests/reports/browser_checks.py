"""Opening a report page as a reader would: a 1280×800 window, the network off, a
full-page screenshot, the page's height in screens, and axe-core's accessibility checks
(WCAG 2.2 AA) injected from ``tests/browser/node_modules`` (``npm ci`` there)."""

from __future__ import annotations

from pathlib import Path

from analysis.publish.browser import ARGS, CHROMIUM

AXE = Path(__file__).resolve().parents[1] / "browser" / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORT = {"width": 1280, "height": 800}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def check_pages(pages: dict[str, Path], artefacts: Path) -> dict[str, dict]:
    """For each page: its height (px and screens), where the appendix starts, the text of
    the first screen, failed requests, and axe's serious or critical violations."""
    from playwright.sync_api import sync_playwright

    artefacts.mkdir(parents=True, exist_ok=True)
    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(offline=True, viewport=VIEWPORT)
            for name, path in pages.items():
                page = context.new_page()
                failed = []
                page.on("requestfailed", lambda r, failed=failed: failed.append(r.url))
                page.goto(path.resolve().as_uri())
                page.wait_for_load_state("load")
                height = page.evaluate("document.documentElement.scrollHeight")
                appendix = page.evaluate(
                    "(() => { const a = document.getElementById('about');"
                    " return a ? a.getBoundingClientRect().top + window.scrollY : null; })()"
                )
                first_screen = page.evaluate(
                    "(() => { const out = []; const w = document.createTreeWalker(document.body,"
                    " NodeFilter.SHOW_TEXT); while (w.nextNode()) { const r = w.currentNode"
                    ".parentElement.getBoundingClientRect(); if (r.top < 800 && r.bottom > 0 &&"
                    " r.height > 0) out.push(w.currentNode.textContent); } return out.join(' '); })()"
                )
                page.screenshot(path=str(artefacts / f"{name}-first-screen.png"))
                page.screenshot(path=str(artefacts / f"{name}.png"), full_page=True)
                violations = None
                if AXE.exists():
                    page.add_script_tag(path=str(AXE))
                    found = page.evaluate(
                        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
                        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                        " nodes: v.nodes.length, target: v.nodes[0] && v.nodes[0].target.join(' ')}))",
                        TAGS,
                    )
                    violations = found
                results[name] = {
                    "height": height,
                    "screens": round(height / VIEWPORT["height"], 1),
                    "appendix_at": appendix,
                    "first_screen": " ".join(first_screen.split()),
                    "failed": failed,
                    "violations": violations,
                }
                page.close()
        finally:
            browser.close()
    return results


def serious(violations: list[dict] | None) -> list[dict]:
    return [v for v in violations or [] if v["impact"] in ("serious", "critical")]
