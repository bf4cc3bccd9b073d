# Shared by the build scripts. Facts about the environment go to /opt/dlmatrix/facts/NAME (one
# value per file) for the harness to read; a combination that cannot exist writes facts/skip.
set -eu
FACTS=/opt/dlmatrix/facts
mkdir -p "$FACTS"
fact() { printf '%s' "$2" > "$FACTS/$1"; }
# Marks this environment as impossible (not a failure): its cells are reported `skipped`. Only
# for facts of the distro itself: a failed download is a build error, retried by the next run.
skip_environment() { fact skip "$1"; echo "DLMATRIX-SKIP: $1"; exit 0; }
is_skipped() { [ -f "$FACTS/skip" ]; }
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
  if ls /opt/dlmatrix/ca-certificates/*.crt >/dev/null 2>&1; then
    cp /opt/dlmatrix/ca-certificates/*.crt /usr/local/share/ca-certificates/
    update-ca-certificates >/dev/null 2>&1 || update-ca-certificates
  fi
}

# The Debian package of the requested Python ("system" = the distro's python3), or a skip.
python_package() {
  if [ "$1" = system ]; then echo python3; return; fi
  has_candidate "python$1" || skip_environment "this distro has no Python $1 package (python$1)"
  echo "python$1"
}

# Facts every stage records about its Python, from the interpreter itself.
record_python_facts() {
  python_bin=$(command -v "$1")
  fact python_path "$python_bin"
  fact python "$("$python_bin" -c 'import platform; print(platform.python_version())')"
  fact distro "$(. /etc/os-release; echo "${PRETTY_NAME:-unknown}")"
}
