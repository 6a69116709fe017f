"""The report in a real browser: headless Chromium driven over the DevTools protocol.

Chromium is started with ``--remote-debugging-pipe``: it reads protocol
messages (JSON, each ending in NUL) on fd 3 and writes replies and events on
fd 4, so no port, websocket or extra Python package is needed. The test
collects console errors, uncaught exceptions and every network request,
checks that every chart rendered, and saves a full-page screenshot.

Run by hand on any report (e.g. the real corpus's)::

    python tests/report/test_browser.py report.html screenshot.png
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "out" / "test-artifacts"
CHECK_JS = """(() => {
  const figs = [...document.querySelectorAll('figure')].map(f => {
    const s = f.querySelector('svg, canvas');
    const b = s ? s.getBoundingClientRect() : {width: 0, height: 0};
    return {id: f.id, kind: s ? s.tagName : null, width: b.width, height: b.height,
            shapes: s ? s.querySelectorAll('path, use, rect, text, image').length : 0};
  });
  return {title: document.title, sections: document.querySelectorAll('main section').length,
          figures: figs, scripts: document.scripts.length,
          text: document.body.innerText.length, missing: document.querySelectorAll('.missing').length};
})()"""


class Browser:
    """A headless Chromium on a DevTools pipe: ``send`` a command, read its reply; events are kept."""

    def __init__(self, binary: str = CHROMIUM, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="textcoop-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        # copies above 2 and 4 so the child's dup2 onto 3 and 4 cannot clobber them
        hi_r = os.dup2(to_chrome_r, 100)
        hi_w = os.dup2(from_chrome_w, 101)
        os.close(to_chrome_r)
        os.close(from_chrome_w)

        def child_fds() -> None:
            os.dup2(hi_r, 3)
            os.dup2(hi_w, 4)

        args = [
            binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--remote-debugging-pipe", f"--user-data-dir={self.profile}", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--disable-sync",
            "--disable-component-update", "--window-size=1280,900", "about:blank",
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=child_fds, close_fds=False,
        )  # fmt: skip
        os.close(hi_r)
        os.close(hi_w)
        self.events: list[dict] = []
        self._replies: queue.Queue = queue.Queue()
        self._next = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buf = b""
        while True:
            try:
                chunk = os.read(self._from_chrome, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    self._replies.put(msg)
                else:
                    self.events.append(msg)
        self._replies.put(None)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next += 1
        msg = {"id": self._next, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._replies.get(timeout=max(0.1, deadline - time.monotonic()))
            if reply is None:
                raise RuntimeError(f"chromium exited while waiting for {method}")
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def wait_event(self, method: str, timeout: float | None = None) -> dict:
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            for ev in self.events:
                if ev.get("method") == method:
                    return ev
            time.sleep(0.05)
        raise TimeoutError(f"no {method} event within {timeout or self.timeout}s")

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError, queue.Empty):
            self.send("Browser.close")  # it may already have gone away
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_chrome)
        shutil.rmtree(self.profile, ignore_errors=True)


def inspect_report(html: Path, screenshot: Path | None = None) -> dict:
    """Open ``html`` headless; return console errors, requests, chart checks (and save a screenshot)."""
    browser = Browser()
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Runtime", "Log", "Network", "Page"):
            browser.send(f"{domain}.enable", session=session)
        browser.events.clear()
        url = html.resolve().as_uri()
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_event("Page.loadEventFired")
        time.sleep(0.3)  # late console messages
        checks = browser.send(
            "Runtime.evaluate", {"expression": CHECK_JS, "returnByValue": True}, session=session
        )["result"]["value"]
        if screenshot is not None:
            size = browser.send("Page.getLayoutMetrics", session=session)["cssContentSize"]
            shot = browser.send(
                "Page.captureScreenshot",
                {"format": "png", "captureBeyondViewport": True,
                 "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 16000), "scale": 1}},
                session=session,
            )  # fmt: skip
            import base64

            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
    finally:
        browser.close()
    errors, requests = [], []
    for ev in browser.events:
        m, p = ev.get("method"), ev.get("params", {})
        if m == "Runtime.exceptionThrown":
            errors.append(p["exceptionDetails"].get("text", "exception"))
        elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            errors.append(
                " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            )
        elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
            errors.append(p["entry"].get("text", ""))
        elif m == "Network.requestWillBeSent":
            requests.append(p["request"]["url"])
    return {"url": url, "errors": errors, "requests": requests, **checks}


def _need_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"chromium not found at {CHROMIUM} (CI must install it: make sysdeps)")
        pytest.skip(f"chromium not installed ({CHROMIUM}); `make sysdeps` installs it")


@pytest.fixture(scope="module")
def full_report():
    from report_tables import rendered_report

    return rendered_report("ru")[0].path


@pytest.mark.slow
def test_report_renders_in_chromium_without_errors_or_requests(full_report):
    _need_chromium()
    shot = ARTIFACTS / "report_ru.png"
    r = inspect_report(full_report, shot)
    print(f"screenshot: {shot}")
    assert r["errors"] == [], r["errors"]
    assert r["requests"], "the navigation itself should be seen"
    assert all(u == r["url"] or u.startswith("data:") for u in r["requests"]), r["requests"]
    assert r["scripts"] == 0
    assert r["sections"] == 8
    assert len(r["figures"]) >= 10, r["figures"]
    for fig in r["figures"]:
        assert fig["kind"] == "svg" and fig["shapes"] > 20, fig
        assert fig["width"] > 100 and fig["height"] > 100, fig
    assert shot.stat().st_size > 10_000


@pytest.mark.slow
def test_browser_check_catches_a_stray_reference(full_report, tmp_path):
    """The check can fail: an external image is blocked by the CSP and shows as a console error."""
    _need_chromium()
    bad = tmp_path / "bad.html"
    html = full_report.read_text(encoding="utf-8")
    bad.write_text(
        html.replace("<main>", '<main><img src="https://example.invalid/logo.png">', 1),
        encoding="utf-8",
    )
    r = inspect_report(bad)
    assert any("Content Security Policy" in e or "example.invalid" in e for e in r["errors"]), r


if __name__ == "__main__":
    res = inspect_report(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None)
    res["requests"] = [u[:60] for u in res["requests"]]
    print(
        json.dumps({k: v for k, v in res.items() if k != "figures"}, ensure_ascii=False, indent=1)
    )
    for f in res["figures"]:
        print(f)
