# Shared set-up for .ci/serve and .ci/test. Sourced, never run on its own.
#
# Everything here is idempotent: on a fresh Debian 12 machine with only rustup it installs
# what Shortlist needs to build (wasm target, cargo-leptos, wasm-bindgen, wasm-opt) and to
# test (PostgreSQL, Chromium, Playwright); on a machine that has them it returns at once.
# Versions are pinned where a mismatch breaks the build (see docs/ARCHITECTURE.md, "Build").

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# One target directory outside the clone, shared by every build and kept between runs, so
# a second run (or a fresh clone on the same machine) does not rebuild ~600 crates.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/shortlist/target}"
export PATH="$HOME/.cargo/bin:$PATH"
mkdir -p "$CARGO_TARGET_DIR"
# CI builds a fresh clone each time, at a new path, so incremental caches are never reused
# there; they only pile up in the shared target directory (tens of GB a day on this machine,
# once enough to fill the disk mid-build). Dependencies are never built incrementally anyway.
if [[ "${CI:-}" == "true" ]]; then
  export CARGO_INCREMENTAL=0
fi

# Each clone at a new path leaves its own copies of the workspace's crates and test binaries
# (several GB; a run from a fresh clone needs about 20 GB — one with 17 GB free ran out while
# linking); when the disk runs low, drop those, the incremental caches and object files left
# by interrupted builds — dependencies, the slow part, stay.
free_kb="$(df -Pk "$CARGO_TARGET_DIR" | awk 'NR == 2 { print $4 }')"
if (( free_kb < 30 * 1024 * 1024 )); then
  printf '\n==> less than 30 GB free: removing incremental caches and old workspace builds\n' >&2
  rm -rf "$CARGO_TARGET_DIR/debug/incremental"
  find "$CARGO_TARGET_DIR/debug/deps" -maxdepth 1 -type f \( -name 'it-*' -o -name 'server-*' \
    -o -name 'libserver-*' -o -name 'app-*' -o -name 'libapp-*' -o -name 'pipeline-*' \
    -o -name 'submissions-*' -o -name 'purge-*' -o -name '*.rcgu.o' \) -delete 2>/dev/null || true
fi

CARGO_LEPTOS_VERSION=0.3.10 # 0.3.11 needs rustc 1.96
WASM_BINDGEN_VERSION=0.2.130 # must equal the wasm-bindgen pin in Cargo.toml

# Each step is stamped with the seconds since the script began, so slow steps stand out.
log() { printf '\n==> [%4ss] %s\n' "$SECONDS" "$*" >&2; }

apt_install() {
  if ! dpkg -s "$@" >/dev/null 2>&1; then
    log "installing Debian packages: $*"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  fi
}

ensure_build_tools() {
  command -v rustup >/dev/null || { echo "rustup is required: https://rustup.rs" >&2; exit 1; }
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32 target"
    rustup target add wasm32-unknown-unknown
  fi
  rustup component list --installed | grep -q '^clippy' || rustup component add clippy rustfmt
  if [[ "$(cargo leptos --version 2>/dev/null)" != *"$CARGO_LEPTOS_VERSION"* ]]; then
    log "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 12 minutes on 2 cores, once)"
    CARGO_TARGET_DIR="$HOME/.cache/shortlist/tools-target" \
      cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  if [[ "$(wasm-bindgen --version 2>/dev/null)" != *"$WASM_BINDGEN_VERSION"* ]]; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes, once)"
    # Not --locked: its lock file names a crate version the registry no longer has.
    CARGO_TARGET_DIR="$HOME/.cache/shortlist/tools-target" \
      cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
  # cargo-leptos runs wasm-opt on release builds. Debian's binaryen (v108) produces wasm that
  # breaks hydration, so take a current one from npm.
  if ! wasm-opt --version 2>/dev/null | grep -Eq 'version 13[2-9]'; then
    command -v npm >/dev/null || apt_install nodejs npm
    log "installing wasm-opt (npm binaryen)"
    npm install -g --silent binaryen@132.0.0
    hash -r
  fi
}

# The test suite needs a PostgreSQL it can create databases on. Use the one on
# 127.0.0.1:5432 if it answers; otherwise start Debian's cluster, installing it first.
ensure_postgres() {
  apt_install postgresql-client
  if pg_isready -q -h 127.0.0.1 -p 5432; then return; fi
  apt_install postgresql
  local version
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  log "starting PostgreSQL $version"
  if ! pg_lsclusters -h | grep -q "^$version main"; then
    pg_createcluster "$version" main
  fi
  # Tests connect as postgres over TCP without a password, like the CI machines do.
  local hba="/etc/postgresql/$version/main/pg_hba.conf"
  if ! grep -q 'shortlist-ci' "$hba"; then
    sed -i '1i host all postgres 127.0.0.1/32 trust # shortlist-ci' "$hba"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && return; sleep 1; done
  echo "PostgreSQL did not start on 127.0.0.1:5432" >&2
  exit 1
}

ensure_browser() {
  apt_install chromium
  command -v npm >/dev/null || apt_install nodejs npm
  log "installing end2end/ packages (no browser download)"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent \
    --cache "$HOME/.cache/shortlist/npm")
}
