"""Jinja's sandbox with a budget: the only environment templates and data text run in.

Jinja's :class:`~jinja2.sandbox.SandboxedEnvironment` stops a template from
reaching Python internals; it does not stop a template from exhausting the
machine in one expression.  :class:`BoundedSandbox` is a *checked
evaluation*: every operator, call, attribute and filter that can make a value
grow is checked before it runs, against the numbers in :mod:`docgen.limits`:

* ``'x' * n``, ``[0] * n``: the result's length;
* ``a ** b``: the result's size in bits (and float overflow);
* ``'%0999999999d' % 1``, ``'{:999999999}'.format(1)``, ``|format``,
  ``center``/``ljust``/``rjust``/``zfill``/``indent``/``wordwrap``: widths
  and precisions;
* ``replace`` (method and filter), ``join``, ``expandtabs``: the length the
  result will have, computed before building it;
* ``range``: every call counts against one total per render, so nested loops
  stay bounded;
* every value read through an attribute or returned by a call, and the whole
  output, is measured (a string that still grows, for example by ``~`` in a
  loop, is stopped at the next read);
* a wall-clock deadline, checked at each of those points, with a SIGALRM
  backstop in the main thread; and a temporary address-space limit
  (``RLIMIT_AS``) while a render runs in a single-threaded process.

Any exception raised by an expression (``1/0``, ``figures.甲 * 2``, a
``TypeError`` from a filter, ``MemoryError``) becomes a
:class:`jinja2.TemplateError` subclass with a Chinese message, which the
callers turn into a located ``DataError`` or ``TemplateError``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import StrictUndefined, Template
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from docgen import gc_pause, jinja_code_cache, limits

__all__ = ["BoundedSandbox", "BudgetExceeded", "ExpressionError"]


class BudgetExceeded(SecurityError):
    """A render went past a limit of :mod:`docgen.limits` (time, memory, size)."""



class ExpressionError(TemplateError):
    """An expression in a template or in data text failed (division by zero, wrong types …)."""



# --------------------------------------------------------------------------
# The budget of the render in progress (per thread; renders may nest)
# --------------------------------------------------------------------------


class _Budget:
    def __init__(self) -> None:
        self.started = time.monotonic()
        left = getattr(_local, "build_left", None)  # render time the whole build has left
        self.seconds = max(min(limits.TEMPLATE_SECONDS, left if left is not None else 1e9), 0.0)
        self.deadline = self.started + self.seconds
        self.range_left = limits.MAX_RANGE_TOTAL
        self.depth = 0


_local = threading.local()


def shares_build_budget(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``func`` with one render-time allowance for all its renders (``BUILD_TEMPLATE_SECONDS``).

    Each render still stops at ``limits.TEMPLATE_SECONDS``; without a shared allowance a data
    file of many slow texts (10 s each) would keep a build busy for minutes.  Only time spent
    rendering counts; nested calls share the outermost allowance.
    """
    @functools.wraps(func)
    def shared(*args: Any, **kwargs: Any) -> Any:
        if getattr(_local, "build_left", None) is not None:
            return func(*args, **kwargs)
        _local.build_left = limits.BUILD_TEMPLATE_SECONDS
        try:
            return func(*args, **kwargs)
        finally:
            _local.build_left = None

    return shared


def _budget() -> _Budget | None:
    return getattr(_local, "budget", None)


def _too_slow(budget: _Budget | None) -> BudgetExceeded:
    if budget is not None and budget.seconds < limits.TEMPLATE_SECONDS - 1e-6:  # the build's allowance cut it
        return BudgetExceeded(f"模板和数据文字的计算合计超过 {limits.BUILD_TEMPLATE_SECONDS:g} 秒，"
                              "已停止（可能是循环嵌套过多）")
    return BudgetExceeded(f"计算超过 {limits.TEMPLATE_SECONDS:g} 秒仍未完成，已停止（可能是循环嵌套过多）")


def _tick() -> None:
    budget = _budget()
    if budget is not None and time.monotonic() > budget.deadline:
        raise _too_slow(budget)


def _too_long(length: int, what: str = "文字") -> BudgetExceeded:
    return BudgetExceeded(f"生成的{what}过长（{length} 个，上限 {limits.MAX_TEMPLATE_STRING} 个），已停止")


def _measure(value: Any) -> Any:
    if isinstance(value, str | bytes | list | tuple) and len(value) > limits.MAX_TEMPLATE_STRING:
        raise _too_long(len(value), "文字" if isinstance(value, str | bytes) else "列表")
    return value


_CONTAINERS = (list, tuple, dict, set, frozenset)


def _weight(value: Any, limit: int, memo: dict[int, int], depth: int = 0) -> int:
    """About how many characters ``str(value)`` prints, counted only up to ``limit``.

    A container shared many times (``[[0] * 1000000] * 1000000``) is weighed once and
    counted at each place it appears — as ``str`` would print it; a cycle counts as
    ``[...]``.  The walk stops as soon as the total passes ``limit``.
    """
    if isinstance(value, str | bytes):
        return len(value)
    if not isinstance(value, _CONTAINERS):
        return 1
    key = id(value)
    known = memo.get(key)
    if known is not None:
        return known
    if depth > 100:
        return limit + 1  # printing it would only end in RecursionError
    memo[key] = 5  # while being weighed: a reference to itself prints as [...]
    total = 2
    if isinstance(value, dict):
        for k, v in value.items():
            total += _weight(k, limit, memo, depth + 1) + _weight(v, limit, memo, depth + 1) + 4
            if total > limit:
                break
    else:
        for item in value:
            total += _weight(item, limit, memo, depth + 1) + 2
            if total > limit:
                break
    memo[key] = total
    return total


def _check_printable(value: Any) -> Any:
    """Refuse a container whose text would pass ``MAX_TEMPLATE_STRING`` before it is printed.

    ``str()`` of a nested list runs in C, past every checked point and in any thread
    (where the address-space limit is not applied): the size is judged first.
    """
    if isinstance(value, _CONTAINERS):
        weight = _weight(value, limits.MAX_TEMPLATE_STRING, {})
        if weight > limits.MAX_TEMPLATE_STRING:
            raise _too_long(weight, "内容")
    return value


def _checked_join(join: Callable[[Iterable[Any]], str]) -> Callable[[Iterable[Any]], str]:
    """Jinja's ``~`` (markup_join / str_join) with each operand judged before it is printed."""
    def checked(seq: Iterable[Any]) -> str:
        items = list(seq)
        for item in items:
            _check_printable(item)
        return _measure(join(items))

    return checked


def _vm_bytes() -> int | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


@contextlib.contextmanager
def _memory_ceiling() -> Iterator[None]:
    """Lower RLIMIT_AS to the current size plus the render's allowance, in a single-threaded process."""
    try:
        import resource  # noqa: PLC0415 - not on Windows
    except ImportError:  # pragma: no cover
        yield
        return
    current = _vm_bytes()
    if current is None or threading.active_count() != 1:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = current + limits.TEMPLATE_EXTRA_MEMORY
    if (soft != resource.RLIM_INFINITY and soft <= wanted) or \
            (hard != resource.RLIM_INFINITY and hard < wanted):
        yield
        return
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _on_alarm(_signum, _frame) -> None:
    raise _too_slow(_budget())


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """A SIGALRM backstop for loops that never pass a checked point (main thread only).

    An outer timer (a batch worker's per-document limit) is kept: when it would fire
    first it is left alone; otherwise this one runs and the outer one is re-armed with
    what it had left, so the render still stops with its own located message.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    outer_left = signal.getitimer(signal.ITIMER_REAL)[0]
    ours = seconds + 2
    if outer_left and outer_left <= ours:
        yield
        return
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, ours)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left:
            signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - started), 0.001))


@contextlib.contextmanager
def render_budget() -> Iterator[None]:
    """The budget of one render; nested renders share the outermost one."""
    budget = _budget()
    if budget is not None:
        budget.depth += 1
        try:
            yield
        finally:
            budget.depth -= 1
        return
    _local.budget = budget = _Budget()
    if budget.seconds <= 0:
        _local.budget = None
        raise _too_slow(budget)
    try:
        with _memory_ceiling(), _alarm(budget.seconds), gc_pause.collecting():
            yield
    finally:
        _local.budget = None
        left = getattr(_local, "build_left", None)
        if left is not None:
            _local.build_left = left - (time.monotonic() - budget.started)


# --------------------------------------------------------------------------
# Messages for expressions that fail
# --------------------------------------------------------------------------

FIGURE_ARITHMETIC = ("文字中不能直接对数字做运算（如 {{ figures.甲 * 2 }}）：请在 figures 中用 sum、diff、rate "
                     "写出要算的数字（如 合计: {sum: [甲, 乙]}），再在文字中写 {{ figures.合计 }}")


def _explain(exc: BaseException) -> TemplateError:
    if isinstance(exc, ZeroDivisionError):
        return ExpressionError("计算中除数为 0")
    if isinstance(exc, MemoryError):
        return BudgetExceeded("计算占用的内存超过上限，已停止")
    if isinstance(exc, RecursionError):
        return BudgetExceeded("宏或循环嵌套过深，已停止")
    if isinstance(exc, OverflowError):
        return ExpressionError("计算结果过大")
    if isinstance(exc, ValueError) and "digits" in str(exc):
        return ExpressionError("数字位数过多，无法写出")
    if isinstance(exc, TypeError) and "Figure" in str(exc):
        return ExpressionError(FIGURE_ARITHMETIC)
    return ExpressionError(f"表达式无法计算（{type(exc).__name__}）")


def _is_figure(value: Any) -> bool:
    return type(value).__name__ == "Figure" and hasattr(value, "text") and hasattr(value, "value")


# --------------------------------------------------------------------------
# Width and length checks
# --------------------------------------------------------------------------

_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[a-zA-Z%]")
_BRACE_FIELD = re.compile(r"\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}")


def _check_width(number: Any) -> None:
    if isinstance(number, int) and not isinstance(number, bool) and abs(number) > limits.MAX_FORMAT_WIDTH:
        raise BudgetExceeded(f"格式宽度或精度 {number} 超过上限 {limits.MAX_FORMAT_WIDTH}，已停止")


def _check_percent_format(fmt: str, args: Any) -> None:
    stars = False
    for match in _PERCENT_SPEC.finditer(fmt):
        for group in match.groups():
            if group == "*":
                stars = True
            elif group:
                _check_width(int(group) if len(group) < 12 else 10**12)
    if stars:
        for arg in args if isinstance(args, tuple) else (args,):
            _check_width(arg)


def _check_brace_format(fmt: str, args: Iterable[Any], kwargs: dict[str, Any]) -> None:
    nested = False
    for field in _BRACE_FIELD.findall(fmt):
        spec = field.partition(":")[2]
        nested = nested or "{" in spec
        for digits in re.findall(r"\d+", re.sub(r"\{[^{}]*\}", "", spec)):
            _check_width(int(digits) if len(digits) < 12 else 10**12)
    if nested:
        for arg in [*args, *kwargs.values()]:
            _check_width(arg)


def _result_length_of_call(obj: Any, args: tuple, kwargs: dict) -> None:
    """Refuse a str method call whose result would be too long, before making it."""
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    if not isinstance(owner, str):
        return
    if name in ("center", "ljust", "rjust", "zfill") and args:
        _check_width(args[0])
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        _check_width(size)
        if isinstance(size, int):  # each tab becomes at most `size` spaces
            expected = len(owner) + owner.count("\t") * max(size - 1, 0)
            if expected > limits.MAX_TEMPLATE_STRING:
                raise _too_long(expected)
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        count = owner.count(args[0]) if args[0] else len(owner) + 1
        if len(args) > 2 and isinstance(args[2], int) and args[2] >= 0:
            count = min(count, args[2])
        expected = len(owner) + count * (len(args[1]) - len(args[0]))
        if expected > limits.MAX_TEMPLATE_STRING:
            raise _too_long(expected)
    elif name == "join" and args:
        items = args[0]
        if isinstance(items, list | tuple):
            total = len(owner) * max(len(items) - 1, 0) + sum(len(x) for x in items if isinstance(x, str))
            if total > limits.MAX_TEMPLATE_STRING:
                raise _too_long(total)


def _bits(value: Any) -> int:
    return value.bit_length() if isinstance(value, int) else 64


def _check_binop(op: str, left: Any, right: Any) -> None:
    if _is_figure(left) or _is_figure(right):
        raise ExpressionError(FIGURE_ARITHMETIC)
    if op == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, str | bytes | list | tuple) and isinstance(times, int) \
                    and len(seq) * times > limits.MAX_TEMPLATE_SEQUENCE:
                raise BudgetExceeded(f"重复生成的内容过长（超过 {limits.MAX_TEMPLATE_SEQUENCE} 个），已停止")
        if isinstance(left, int) and isinstance(right, int) and _bits(left) + _bits(right) > limits.MAX_INT_BITS:
            raise BudgetExceeded("乘法结果的数字位数过多，已停止")
    elif op == "**" and isinstance(right, int | float):
        if isinstance(left, int | float) and abs(left) > 1 and \
                _bits(int(abs(left))) * abs(right) > limits.MAX_INT_BITS:
            raise BudgetExceeded("乘方结果的数字位数过多，已停止")
    elif op == "%" and isinstance(left, str):
        _check_printable(right)
        _check_percent_format(left, right)
    elif op == "+" and isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple) \
            and len(left) + len(right) > limits.MAX_TEMPLATE_STRING:
        raise _too_long(len(left) + len(right))


# --------------------------------------------------------------------------
# Filters that can grow a value
# --------------------------------------------------------------------------


def _checked_filters(filters: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    original = dict(filters)

    def width_filter(name: str, position: int, keyword: str) -> Callable[..., Any]:
        func = original[name]

        def checked(value, *args, **kwargs):
            if len(args) >= position:
                _check_width(args[position - 1])
            if keyword in kwargs:
                _check_width(kwargs[keyword])
            return _measure(func(value, *args, **kwargs))

        checked.__dict__.update(func.__dict__)  # keep pass_context / pass_environment markers
        return checked

    def do_format(value, *args, **kwargs):
        if isinstance(value, str):
            _check_percent_format(value, args or kwargs)
        return _measure(original["format"](value, *args, **kwargs))

    def do_replace(eval_ctx, s, old, new, count=None):
        if isinstance(s, str) and isinstance(old, str) and isinstance(new, str):
            _result_length_of_call(s.replace, (old, new) + (() if count is None else (count,)), {})
        return _measure(original["replace"](eval_ctx, s, old, new, count))

    do_replace.__dict__.update(original["replace"].__dict__)
    def printable(func: Callable[..., Any]) -> Callable[..., Any]:
        def checked_input(*args, **kwargs):
            for value in args:  # the filtered value (after any context Jinja passes first)
                _check_printable(value)
            return func(*args, **kwargs)

        checked_input.__dict__.update(getattr(func, "__dict__", {}))
        return checked_input

    checked = {name: printable(func) for name, func in original.items()}
    checked.update({
        "center": width_filter("center", 1, "width"),
        "indent": width_filter("indent", 1, "width"),
        "format": do_format,
        "replace": do_replace,
    })
    for name in ("center", "indent", "format", "replace"):
        checked[name] = printable(checked[name])
    for name in ("join", "string", "list", "map", "select", "reject", "sum", "batch", "slice"):
        if name in original:
            func = checked[name]

            def measured(*args, __func=func, **kwargs):
                return _measure(__func(*args, **kwargs))

            measured.__dict__.update(func.__dict__)
            checked[name] = measured
    return checked


# --------------------------------------------------------------------------
# The environment
# --------------------------------------------------------------------------


class _BudgetTemplate(Template):
    """A template whose render runs under :func:`render_budget` and fails only with TemplateError."""

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):  # type: ignore[override]
        """Jinja's ``from_code`` with ``~`` replaced by checked joins (see :func:`_check_printable`)."""
        namespace: dict[str, Any] = {"environment": environment, "__file__": code.co_filename}
        exec(code, namespace)  # noqa: S102 - Jinja's own step: the code Jinja compiled
        for name in ("markup_join", "str_join"):
            if name in namespace:
                namespace[name] = _checked_join(namespace[name])
        template = cls._from_namespace(environment, namespace, globals)
        template._uptodate = uptodate
        return template

    def render(self, *args: Any, **kwargs: Any) -> str:
        try:
            with render_budget():
                return super().render(*args, **kwargs)
        except (UndefinedError, TemplateError):
            raise
        except Exception as exc:  # noqa: BLE001 - any failure of an expression is the input's
            raise _explain(exc) from exc


def _range_total(*args: int) -> Iterator[int]:
    """``range()`` whose items count against the render's total (and the deadline)."""
    from jinja2.sandbox import safe_range  # noqa: PLC0415

    numbers = safe_range(*args)
    budget = _budget()
    if budget is not None:
        budget.range_left -= len(numbers)
        if budget.range_left < 0:
            raise BudgetExceeded(f"循环次数过多（range 共超过 {limits.MAX_RANGE_TOTAL} 次），已停止")
        _tick()
    return numbers


# Compiled code per source, oldest first, bounded by the characters kept.
_COMPILED: dict[tuple[str, object, object], tuple[str, Any]] = {}
_compiled_chars = 0


class BoundedSandbox(SandboxedEnvironment):
    """Jinja's sandbox plus a budget for time, memory and size (see the module docstring).

    Defaults: autoescape on, StrictUndefined.  Attributes starting with ``_``
    and Python internals stay refused by the sandbox (SecurityError).
    """

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    intercepted_unops = frozenset({"-", "+"})
    template_class = _BudgetTemplate

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("autoescape", True)
        kwargs.setdefault("undefined", StrictUndefined)
        kwargs.setdefault("finalize", _check_printable)  # every {{ }} judged before it is printed
        super().__init__(*args, **kwargs)
        self.globals["range"] = _range_total
        self.globals.pop("lipsum", None)  # generates text of any size on request; no document needs it
        self.filters = _checked_filters(self.filters)

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[override]
        """Jinja's compile, with the code of each anonymous source kept for the process.

        docxtpl compiles the whole template XML with ``from_string`` on every
        build, and each text of the data is compiled too; the generated code
        depends only on the source and this class's fixed options, so one
        compilation per source serves every later build (templates and data
        text are re-checked and rendered under the budget each time).
        """
        if name is not None or filename is not None or raw or defer_init or not isinstance(source, str):
            return super().compile(source, name, filename, raw, defer_init)
        key = (source, self.autoescape, self.undefined)
        code = _COMPILED.get(key)
        if code is None:
            disk = jinja_code_cache.key_of(self, source)
            code = jinja_code_cache.load(disk) if disk else None
            if code is None:
                code = super().compile(source)
                if disk:
                    jinja_code_cache.store(disk, code)
            if len(source) <= limits.MAX_COMPILED_CHARS:
                global _compiled_chars
                while _compiled_chars + len(source) > limits.MAX_COMPILED_CHARS:
                    oldest = next(iter(_COMPILED), None)
                    if oldest is None:
                        break
                    dropped = _COMPILED.pop(oldest, None)  # another thread may have taken it
                    _compiled_chars -= len(dropped[0]) if dropped else 0
                _COMPILED[key] = (source, code)
                _compiled_chars += len(source)
            return code
        return code[1]

    @staticmethod
    def concat(chunks: Iterable[str]) -> str:  # type: ignore[override]
        """The rendered text, measured as it grows (Template.render joins through this)."""
        parts: list[str] = []
        total = 0
        for i, chunk in enumerate(chunks):
            total += len(chunk)
            if total > limits.MAX_TEMPLATE_OUTPUT:
                raise BudgetExceeded(f"生成的内容过长（超过 {limits.MAX_TEMPLATE_OUTPUT} 个字符），已停止")
            if i % 1024 == 0:
                _tick()
            parts.append(chunk)
        return "".join(parts)

    def call_binop(self, context, operator_name: str, left, right):
        _tick()
        _check_binop(operator_name, left, right)
        try:
            return _measure(self.binop_table[operator_name](left, right))
        except TemplateError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise _explain(exc) from exc

    def call_unop(self, context, operator_name: str, arg):
        if _is_figure(arg):
            raise ExpressionError(FIGURE_ARITHMETIC)
        return self.unop_table[operator_name](arg)

    def getattr(self, obj, attribute):
        _tick()
        return _measure(super().getattr(obj, attribute))

    def getitem(self, obj, argument):
        _tick()
        return _measure(super().getitem(obj, argument))

    def wrap_str_format(self, value):
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        fmt = value.__self__
        is_map = value.__name__ == "format_map"

        def checked(*args, **kwargs):
            mapping = args[0] if is_map and args and isinstance(args[0], dict) else kwargs
            for value in (*args, *kwargs.values()):
                _check_printable(value)
            _check_brace_format(fmt, () if is_map else args, mapping)
            return _measure(wrapper(*args, **kwargs))

        return checked

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805, B902 - Jinja's signature
        _tick()
        _result_length_of_call(__obj, args, kwargs)
        try:
            return _measure(super().call(__context, __obj, *args, **kwargs))
        except TemplateError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise _explain(exc) from exc


#: Kept for callers of the first round's API.
MAX_TEMPLATE_SEQUENCE = limits.MAX_TEMPLATE_SEQUENCE
