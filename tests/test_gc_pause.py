"""The engine runs with the cyclic collector paused, and always gives it back."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest

from docgen.gc_pause import collector_paused, paused

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_paused_inside_and_enabled_after_even_on_error():
    seen = []

    @collector_paused
    def work(fail: bool) -> None:
        seen.append(gc.isenabled())
        if fail:
            raise ValueError("boom")

    work(False)
    assert seen == [False] and gc.isenabled()
    with pytest.raises(ValueError):
        work(True)
    assert seen == [False, False] and gc.isenabled()


def test_a_caller_that_disabled_the_collector_keeps_it_disabled():
    gc.disable()
    with paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_nested_and_threaded_pauses_enable_once_the_last_ends():
    inner_started = threading.Event()
    release = threading.Event()
    states = []

    def other() -> None:
        with paused():
            inner_started.set()
            release.wait(10)

    with paused():
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still runs
        thread = threading.Thread(target=other)
        thread.start()
        inner_started.wait(10)
    states.append(gc.isenabled())  # the thread's pause still runs
    release.set()
    thread.join(10)
    states.append(gc.isenabled())
    assert states == [False, True]


def test_the_engine_lays_out_with_the_collector_paused(monkeypatch, tmp_path):
    """typeset and export_pdf run paused; the build around them does not change the setting."""
    import docgen.pdf.layout as layout_module
    from docgen.build import build
    from docgen.pdf import export_pdf, typeset

    docx = build(ROOT / "data" / "notice-示例.yaml", out_dir=tmp_path, pdf=False).docx

    real = layout_module.layout_document
    during = []

    def spy(*args, **kwargs):
        during.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(layout_module, "layout_document", spy)
    laid = typeset(docx)
    assert during == [False] and gc.isenabled()
    assert export_pdf(laid).data.startswith(b"%PDF") and gc.isenabled()


def test_build_pauses_after_the_template_is_rendered_never_during(monkeypatch, tmp_path):
    """Jinja (the data's texts, the template) runs with the collector on; planning and PDF off."""
    import sys

    from docgen.build import build

    module = sys.modules["docgen.build"]
    seen = {}
    real_render, real_finish = module.render, module.finish

    def render(*args, **kwargs):
        seen["render"] = gc.isenabled()
        return real_render(*args, **kwargs)

    def finish(*args, **kwargs):
        seen["finish"] = gc.isenabled()
        return real_finish(*args, **kwargs)

    monkeypatch.setattr(module, "render", render)
    monkeypatch.setattr(module, "finish", finish)
    result = build(ROOT / "data" / "notice-示例.yaml", out_dir=tmp_path)
    assert seen == {"render": True, "finish": False}
    assert result.pdf.read_bytes().startswith(b"%PDF") and gc.isenabled()


def test_a_render_in_another_thread_runs_with_the_collector_on():
    """docgen serve: one thread lays out (paused) while another renders data text."""
    from docgen.sandbox import BoundedSandbox

    env = BoundedSandbox()
    env.globals["collector"] = lambda: "on" if gc.isenabled() else "off"
    started, release = threading.Event(), threading.Event()

    def layout() -> None:
        with paused():
            started.set()
            release.wait(10)

    thread = threading.Thread(target=layout)
    thread.start()
    started.wait(10)
    assert not gc.isenabled()  # the other thread's pause
    assert env.from_string("{{ collector() }}").render() == "on"
    assert not gc.isenabled()  # paused again after the render
    release.set()
    thread.join(10)
    assert gc.isenabled()
