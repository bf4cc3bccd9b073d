# Shared by the build scripts. Paths come from layout.env (written by the harness from
# harness/image/layout.ts); facts go to the image's manifest through manifest.py.
set -eu
. "$(dirname "$0")/layout.env"

# Adds to the manifest, on the environment's own interpreter (DLMATRIX_PYTHON links to it).
manifest() { "$DLMATRIX_PYTHON" "$DLMATRIX_SCRIPTS/manifest.py" "$@"; }

# Marks this environment as impossible (not a failure): its cells are reported `skipped`. Only
# for facts of the distro itself: a failed download is a build error, retried by the next run.
# Before any Python is installed, the manifest is written here (the reason has no quotes).
skip_environment() {
  if [ -x "$DLMATRIX_PYTHON" ]; then
    manifest skip "$STAGE" "$1"
  else
    printf '{"schema": 1, "stage": "%s", "status": "skipped", "skipReason": "%s"}\n' "$STAGE" "$1" > "$DLMATRIX_MANIFEST"
  fi
  echo "DLMATRIX-SKIP: $1"
  exit 0
}
is_skipped() { grep -q '"status": "skipped"' "$DLMATRIX_MANIFEST" 2>/dev/null; }

apt_install() { apt-get install -y --no-install-recommends "$@"; }
# What a layer should not keep once its packages are installed: the downloaded .debs, apt's
# package caches and lists (debian:*-slim images do the same through docker-clean).
apt_clean() { apt-get clean; rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin; }
# True when apt can install the package (not merely a name another package refers to).
has_candidate() { apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [^(]'; }

# apt-get update exits 0 even when an index could not be fetched; a missing package would then
# look like a fact of the distro. python3 exists in every Debian suite: without it, the lists
# are broken and the build fails (and is retried) instead of caching a wrong skip.
apt_update() {
  # Some mirrors serve a stale Release file for development suites (forky, sid).
  echo 'Acquire::Check-Valid-Until "false";' > /etc/apt/apt.conf.d/99dlmatrix
  apt-get update
  has_candidate python3 || { echo "apt-get update left no usable package lists (network or mirror problem)" >&2; exit 1; }
}

# The host's CA bundle, so HTTPS through an intercepting proxy works (cargo, pip).
trust_host_ca() {
  if ls "$DLMATRIX_CA_CERTIFICATES"/*.crt >/dev/null 2>&1; then
    cp "$DLMATRIX_CA_CERTIFICATES"/*.crt /usr/local/share/ca-certificates/
    update-ca-certificates >/dev/null 2>&1 || update-ca-certificates
  fi
}

# The Debian package of the requested Python ("system" = the distro's python3; X.Y.Z = its X.Y
# package, checked by require_release once installed), or a skip.
python_package() {
  if [ "$1" = system ]; then echo python3; return; fi
  minor=$(echo "$1" | cut -d. -f1,2)
  has_candidate "python$minor" || skip_environment "this distro has no Python $minor package (python$minor)"
  echo "python$minor"
}

# An exact release asked of the distro's Python: anything else means the environment cannot exist.
require_release() {
  case "$1" in
    *.*.*)
      found=$("$2" -c 'import platform; print(platform.python_version())')
      [ "$found" = "$1" ] || skip_environment "this distro's Python $(echo "$1" | cut -d. -f1,2) is $found, not $1 (build $1 from source with python-build: shared, static or standalone)"
      ;;
  esac
}

# A CPython built from source (python-build.env, left by build-cpython.sh in its tree, which the
# Dockerfile copied to /): its facts, and the distro packages its extension modules need.
source_python() {
  . "$DLMATRIX_PYTHON_BUILD_INFO"
}

# Points DLMATRIX_PYTHON at the environment's interpreter and records it in the manifest.
use_python() {
  mkdir -p "$(dirname "$DLMATRIX_PYTHON")"
  ln -sfn "$1" "$DLMATRIX_PYTHON"
  manifest python "$2" "$3"
  manifest system
  if [ -n "${SOURCE_URL:-}" ]; then
    manifest set python.source "{\"url\": \"$SOURCE_URL\", \"sha256\": \"$SOURCE_SHA256\"}" --json
  fi
}
