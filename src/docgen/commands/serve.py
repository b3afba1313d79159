"""``docgen serve [--data DIR] [--port N] [--host H]``: the web page for office staff.

Takes the parsed arguments; starts the local web application (Starlette on
uvicorn) on 127.0.0.1 by default and opens the browser, and returns the exit
code when it is stopped (Ctrl-C).  On any address other than loopback it
refuses to start without an access token (``--token`` or the environment
variable DOCGEN_SERVE_TOKEN).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import webbrowser
from pathlib import Path

from docgen.errors import DocgenError, Location

TOKEN_ENV = "DOCGEN_SERVE_TOKEN"


def add_parser(sub) -> None:
    p = sub.add_parser(
        "serve", help="打开网页：填写数据、校对、预览和下载公文（不用改 YAML）",
        description="在本机启动 docgen 的网页：按年度和文种列出数据文件，在表单中修改基本信息、数字和正文，"
                    "实时显示编号、校对结果和页面预览，生成并下载 .docx 和 PDF/A。",
        epilog="默认只允许本机访问（127.0.0.1），无需登录。用 --host 0.0.0.0 允许其他电脑访问时，"
               f"必须用 --token 或环境变量 {TOKEN_ENV} 设定访问口令。按 Ctrl-C 停止。详见 docs/web.md。",
    )
    p.add_argument("--data", type=Path, default=Path("data"), metavar="文件夹",
                   help="数据文件夹（默认 data）")
    p.add_argument("--out", type=Path, default=Path("output"), metavar="文件夹",
                   help="“生成”时写入的文件夹（默认 output）")
    p.add_argument("--port", type=int, default=8765, metavar="端口", help="端口（默认 8765）")
    p.add_argument("--host", default="127.0.0.1", metavar="地址",
                   help="监听地址（默认 127.0.0.1，只允许本机访问）")
    p.add_argument("--token", metavar="口令", help=f"访问口令（也可用环境变量 {TOKEN_ENV}）")
    p.add_argument("--jobs", type=int, default=2, metavar="N", help="生成和预览的工作进程数（默认 2）")
    p.add_argument("--no-browser", action="store_true", help="不自动打开浏览器")
    p.set_defaults(run=run)


def _has_display() -> bool:
    if sys.platform.startswith(("win", "darwin")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def check_start(host: str, token: str | None, data: Path) -> None:
    """Refuse to start on a non-loopback address without a token, or without a data folder."""
    from docgen.web.security import is_loopback  # noqa: PLC0415

    if not is_loopback(host) and not token:
        raise DocgenError(f"监听地址 {host} 允许其他电脑访问，但没有设定访问口令，未启动。",
                          fix=f"加 --token 口令（或设置环境变量 {TOKEN_ENV}）；只在本机使用时去掉 --host。")
    if not data.is_dir():
        raise DocgenError("数据文件夹不存在。", location=Location(file=str(data)),
                          fix="用 --data 指定存放 .yaml 数据文件的文件夹。")


def check_port(host: str, port: int) -> None:
    """Refuse, in Chinese, a port that is taken (uvicorn would say it in English)."""
    import socket  # noqa: PLC0415

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise DocgenError(f"无法在 {host} 的端口 {port} 上启动（{exc.strerror or exc}）。",
                              fix="端口可能已被占用（docgen serve 是否已经在运行？）：用 --port 指定其他端口，"
                                  "如 --port 8766；或检查 --host 是否是本机的地址。") from None


def run(args: argparse.Namespace) -> int:
    import uvicorn  # noqa: PLC0415

    from docgen.web.app import LOOPBACK_HOSTS, Config, create_app  # noqa: PLC0415
    from docgen.web.security import is_loopback  # noqa: PLC0415

    token = args.token or os.environ.get(TOKEN_ENV) or None
    check_start(args.host, token, args.data)
    check_port(args.host, args.port)
    loopback = is_loopback(args.host)
    config = Config(data_dir=args.data, out_dir=args.out, token=None if loopback else token,
                    workers=max(1, args.jobs),
                    allowed_hosts=[*LOOPBACK_HOSTS, "localhost"] if loopback else None)
    app = create_app(config)
    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    url = f"http://{shown_host}:{args.port}/"
    print(f"docgen 网页已启动：{url}  （数据文件夹 {args.data.resolve()}；按 Ctrl-C 停止）", flush=True)
    if not loopback:
        print("  其他电脑访问时需输入访问口令。", flush=True)
    if not args.no_browser and _has_display():
        threading.Timer(1.0, lambda: webbrowser.open(url)).start()
    uvicorn.run(app, host=args.host, port=args.port, log_level=os.environ.get("DOCGEN_SERVE_LOG", "warning"))
    return 0
