# Shared by scripts/run and scripts/test: check the prerequisites and install the project's
# Python environment (uv, from uv.lock) and front-end assets (npm, from package-lock.json).
# Sourced, not executed.

die() { printf 'motcua: %s\n' "$*" >&2; exit 1; }

find_python() {
  local candidate
  for candidate in python3 python3.13 python3.12 python3.11 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}

setup_environment() {  # $1: "dev" to include the test tools
  SYSTEM_PYTHON=$(find_python) ||
    die "cần Python 3.11 trở lên nhưng không tìm thấy — Python 3.11 or newer is required (install python3 from your distribution)."
  command -v npm >/dev/null 2>&1 ||
    die "cần Node.js và npm để cài giao diện — Node.js with npm is required for the front-end assets (e.g. apt-get install nodejs npm)."

  if command -v uv >/dev/null 2>&1; then
    UV=(uv)
  else
    if ! "$SYSTEM_PYTHON" -m uv --version >/dev/null 2>&1; then
      echo "motcua: installing uv (Python package manager)…"
      "$SYSTEM_PYTHON" -m pip install --quiet --user uv 2>/dev/null ||
        "$SYSTEM_PYTHON" -m pip install --quiet uv ||
        die "không cài được uv — could not install uv with pip; check access to the package registry."
    fi
    UV=("$SYSTEM_PYTHON" -m uv)
  fi
  export UV_PYTHON_DOWNLOADS=never
  local groups=(--no-dev)
  [ "${1:-}" = dev ] && groups=()
  "${UV[@]}" sync --frozen --quiet --python "$SYSTEM_PYTHON" "${groups[@]}" ||
    die "không cài được môi trường Python — uv sync failed (see above)."
  PY="$PWD/.venv/bin/python"

  # npm ci only when package-lock.json changed since the last install.
  local stamp=node_modules/.motcua-lock
  if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
    npm ci --no-audit --no-fund --loglevel=error ||
      die "không cài được thư viện giao diện — npm ci failed (see above)."
    cp package-lock.json "$stamp"
  fi
  "$PY" manage.py compile_translations
}
