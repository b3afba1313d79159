#!/usr/bin/env bash
# Install everything docgen needs, idempotently: Debian fonts and tools, a
# virtual environment in .venv with docgen and its Python packages, and the
# converted TrueType copies of the open fallback fonts (cached once).
#   scripts/setup.sh          what `docgen build` needs
#   scripts/setup.sh --test   plus LibreOffice and the test tools
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

apt_packages=(fontconfig poppler-utils fonts-liberation2 fonts-wqy-zenhei fonts-arphic-gkai00mp fonts-arphic-gbsn00lp
              fonts-crosextra-carlito fonts-crosextra-caladea fonts-dejavu-core fonts-symbola
              fonts-babelstone-han fonts-hanazono fonts-noto-core
              fonts-arphic-uming fonts-arphic-ukai fonts-lxgw-wenkai texlive-lang-chinese)
if [ "$want_test" = 1 ]; then
    apt_packages+=(libreoffice-writer-nogui)
    apt_packages+=(chromium chromium-driver)  # browser test of `docgen serve` (Selenium)
fi

missing=()
for pkg in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> 安装系统软件包：${missing[*]}"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "==> 创建 Python 虚拟环境 .venv"
    "$python" -m venv .venv
fi
stamp=.venv/.docgen-installed
extras=""
[ "$want_test" = 1 ] && extras="[test]"
if [ ! -f "$stamp$extras" ] || [ pyproject.toml -nt "$stamp$extras" ]; then
    echo "==> 安装 docgen 及其 Python 依赖"
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true  # optional
    log=$(mktemp)
    if ! .venv/bin/python -m pip install -q -e ".$extras" >"$log" 2>&1; then
        grep -v "is ignored: it is neither" "$log" >&2
        rm -f "$log"
        echo "安装 Python 依赖失败，见上面的信息。" >&2
        exit 1
    fi
    rm -f "$log"
    touch "$stamp$extras"
fi

# bytecode for the editable install (PYTHONDONTWRITEBYTECODE would leave every start compiling)
.venv/bin/python -m compileall -q src/docgen >/dev/null

echo "==> 准备字体（首次约需 1 分钟，之后使用缓存）"
.venv/bin/docgen fonts --prepare >/dev/null
