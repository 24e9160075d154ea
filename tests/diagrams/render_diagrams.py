"""Render every processes/*.bpmn to docs/diagrams/<name>.png with bpmn-js in headless Chromium.

    python -m tests.diagrams.render_diagrams [--out DIR] [--scale 1.0] [file.bpmn ...]

bpmn-js is the viewer from node_modules (npm install); Chromium is the system's (Debian
package ``chromium``), driven by Playwright. Nothing is downloaded. The page is a local file
that loads node_modules/bpmn-js/dist/bpmn-viewer.production.min.js; the BPMN XML is handed to
it through Playwright, so no server is needed. Import warnings from bpmn-js (unknown elements,
missing references) are printed and make the exit status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VIEWER = ROOT / "node_modules" / "bpmn-js" / "dist" / "bpmn-viewer.production.min.js"
DEFAULT_OUT = ROOT / "docs" / "diagrams"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

PAGE = """<!doctype html>
<html><head><meta charset="utf-8">
<style>html,body{margin:0;padding:0;background:#fff}#canvas{width:100vw;height:100vh}</style>
<script src="__VIEWER__"></script></head>
<body><div id="canvas"></div>
<script>
window.renderBpmn = async function (xml) {
  const viewer = new BpmnJS({ container: '#canvas' });
  const result = await viewer.importXML(xml);
  const canvas = viewer.get('canvas');
  canvas.zoom(1);
  const inner = canvas.viewbox().inner;
  window.__viewer = viewer;
  return { warnings: result.warnings.map(w => String(w.message || w)),
           x: inner.x, y: inner.y, width: inner.width, height: inner.height };
};
window.frame = function (x, y, width, height) {
  window.__viewer.get('canvas').viewbox({ x: x, y: y, width: width, height: height });
};
</script></body></html>
"""


def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    raise SystemExit("chromium not found: apt-get install -y chromium (or set CHROMIUM)")


def render(files: list[Path], out: Path, scale: float = 1.0) -> list[str]:
    """Render each BPMN file to out/<stem>.png; returns the bpmn-js import warnings."""
    from playwright.sync_api import sync_playwright

    if not VIEWER.exists():
        raise SystemExit(f"{VIEWER} is missing: run npm install")
    out.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "viewer.html"
        page_file.write_text(PAGE.replace("__VIEWER__", VIEWER.as_uri()), "utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            try:
                for path in files:
                    page = browser.new_page(
                        viewport={"width": 1600, "height": 1000}, device_scale_factor=scale
                    )
                    page.goto(page_file.as_uri())
                    box = page.evaluate("xml => window.renderBpmn(xml)", path.read_text("utf-8"))
                    for warning in box["warnings"]:
                        problems.append(f"{path.name}: {warning}")
                    margin = 20
                    width = int(box["width"] + 2 * margin)
                    height = int(box["height"] + 2 * margin)
                    page.set_viewport_size({"width": width, "height": height})
                    page.evaluate(
                        "b => window.frame(b[0], b[1], b[2], b[3])",
                        [box["x"] - margin, box["y"] - margin, width, height],
                    )
                    target = out / f"{path.stem}.png"
                    page.screenshot(path=str(target), full_page=True)
                    page.close()
                    print(
                        f"rendered "
                        f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}"
                    )
            finally:
                browser.close()
    return problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    files = args.files or sorted((ROOT / "processes").glob("*.bpmn"))
    problems = render([f.resolve() for f in files], args.out, args.scale)
    for problem in problems:
        print("bpmn-js:", problem, file=sys.stderr)
    print(json.dumps({"rendered": len(files), "warnings": len(problems)}))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
