"""Dataclass methods and regular expressions, compiled once and kept on disk: the same either way.

Real processes with a cache folder of their own: a first run compiles and stores, a second
runs the stored results, a third has no cache at all; every one must describe its classes
(signatures, annotations, bytecode, behaviour) and its patterns (groups, flags, matches)
identically.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CLASSES = r'''
import dataclasses, inspect, json, sys
from dataclasses import dataclass, field, InitVar, KW_ONLY
from typing import ClassVar
if sys.argv[1] == "install":
    from docgen import compile_cache as cache
    cache.install()

@dataclass(frozen=True)
class Point:
    x: int
    y: float = 0.5
    tags: tuple = ()

@dataclass(order=True, slots=True)
class Item:
    name: str
    parts: list = field(default_factory=list)
    count: ClassVar[int] = 0

@dataclass
class Later:
    a: int
    scale: InitVar[float] = 1.0
    _: KW_ONLY
    b: str = "b"
    def __post_init__(self, scale):
        self.a = int(self.a * scale)

@dataclass(eq=False, repr=False, unsafe_hash=False)
class Plain:
    v: "list[int]"

out = {}
for cls in (Point, Item, Later, Plain):
    methods = {n: (m.__code__.co_code.hex(), repr(m.__code__.co_consts), m.__code__.co_names,
                   m.__code__.co_filename, repr(m.__annotations__), repr(m.__defaults__),
                   repr(m.__kwdefaults__))
               for n, m in sorted(vars(cls).items()) if inspect.isfunction(m)}
    out[cls.__name__] = [str(inspect.signature(cls)), methods, cls.__doc__]
p, q = Point(1, tags=(2,)), Point(1, tags=(2,))
try:
    p.x = 3
    frozen = "no"
except dataclasses.FrozenInstanceError:
    frozen = "yes"
out["behaviour"] = [repr(p), p == q, hash(p) == hash(q), frozen, Item("a") < Item("b"),
                    repr(Later(3, 2.0, b="c")), Later(3).a, repr(Item("x", [1]))]
import re
text = "第（一）条 2022年 法治政府 ABC abc 𠀀𠀁 x=1, y = 22\n下一行 e\u0301"
patterns = [re.compile(r"([\u4e00-\u9fff]+)"), re.compile(r"(?P<year>\d{4})年"),
            re.compile(r"[a-z]+", re.I), re.compile(r"(?x) (\w+) \s* = \s* (\d+)  # pairs"),
            re.compile(r"[\U00020000-\U0002a6df]+"), re.compile(r"(?<=（)[一二三]"),
            re.compile(r"^下.*$", re.M), re.compile(r"e\u0301|\w", re.UNICODE),
            re.compile(rb"[\x00-\x7f]+"), re.compile(r"(a)|(b)|(?P<c>c)")]
out["patterns"] = [[p.pattern if isinstance(p.pattern, str) else p.pattern.hex(), p.flags, p.groups,
                    p.groupindex.copy(), repr(p.findall(text.encode() if isinstance(p.pattern, bytes) else text))]
                   for p in patterns]
if sys.argv[1] == "install":
    cache.save()
    out["stats"] = cache.stats()
print(json.dumps(out, sort_keys=True))
'''


def _run(mode: str, cache: Path) -> dict:
    env = dict(os.environ, XDG_CACHE_HOME=str(cache),
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", _CLASSES, mode], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_stored_code_makes_the_same_classes(tmp_path: Path) -> None:
    first = _run("install", tmp_path)
    second = _run("install", tmp_path)
    plain = _run("plain", tmp_path / "unused")
    assert first.pop("stats")[1] >= 22  # compiled, stored …
    hits, misses = second.pop("stats")
    assert hits >= 22 and misses == 0  # … and taken from the file
    assert first == second == plain


def test_a_damaged_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    _run("install", tmp_path)
    (stored,) = (tmp_path / "docgen" / "code").glob("startup-*.marshal")
    stored.write_bytes(stored.read_bytes()[:100] + b"\0garbage")
    damaged = _run("install", tmp_path)
    assert damaged.pop("stats")[1] >= 22
    assert _run("install", tmp_path).pop("stats")[1] == 0
    assert damaged == _run("plain", tmp_path)


def test_a_library_import_leaves_dataclasses_alone(tmp_path: Path) -> None:
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path),
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    probe = ("import dataclasses, re, docgen, docgen.build; "
             "print('exec' in vars(dataclasses), re._compiler.compile.__module__, "
             "'docgen.compile_cache' in __import__('sys').modules)")
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.split() == ["False", "re._compiler", "False"]
    assert not (tmp_path / "docgen" / "code").exists()


_BUILD = '''
import gc, sys
from docgen import cli
gc.disable()
code = cli.main(["build", sys.argv[1], "--out", sys.argv[2]], process_entry=sys.argv[3] == "entry")
from docgen import compile_cache as cache
print(code, *cache.stats())
'''


def test_a_cold_build_takes_its_classes_and_patterns_from_the_cache_the_second_time(tmp_path: Path) -> None:
    from docgen import user_cache

    (tmp_path / "cache" / "docgen").mkdir(parents=True)
    fonts = user_cache.folder("fonts")
    if fonts.is_dir():  # the converted fonts, not converted again
        (tmp_path / "cache" / "docgen" / "fonts").symlink_to(fonts, target_is_directory=True)
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"),
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    seed = str(ROOT / "data" / "2022-如东县法治政府建设情况报告.yaml")
    outputs = []
    for n, mode in enumerate(("entry", "entry", "function")):
        done = subprocess.run([sys.executable, "-c", _BUILD, seed, str(tmp_path / f"out{n}"), mode],
                              env=env, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout.split()[-3:])
        files = sorted((tmp_path / f"out{n}").iterdir())
        assert [f.suffix for f in files] == [".docx", ".pdf"]
        outputs[-1].append([f.read_bytes() for f in files])
    (c1, hits1, misses1, files1), (c2, hits2, misses2, files2), (c3, hits3, misses3, files3) = outputs
    assert (c1, c2, c3) == ("0", "0", "0")
    assert int(misses1) > 400 and int(hits2) > 400  # every class and pattern from the file …
    assert int(misses2) <= 1  # … but the one reportlab builds anew (a set's names in hash order)
    assert (hits3, misses3) == ("0", "0")  # cli.main as a function: dataclasses left alone
    assert files1 == files2 == files3  # the same .docx and PDF either way
