# Shared by the build scripts. Facts about the environment go to /opt/dlmatrix/facts/NAME (one
# value per file) for the harness to read; a combination that cannot exist writes facts/skip.
set -eu
FACTS=/opt/dlmatrix/facts
mkdir -p "$FACTS"
fact() { printf '%s' "$2" > "$FACTS/$1"; }
# Marks this environment as impossible (not a failure): its cells are reported `skipped`.
skip_environment() { fact skip "$1"; echo "DLMATRIX-SKIP: $1"; exit 0; }
is_skipped() { [ -f "$FACTS/skip" ]; }
apt_install() { apt-get install -y --no-install-recommends "$@"; }
# True when apt can install the package (not merely a name another package refers to).
has_candidate() { apt-cache policy "$1" 2>/dev/null | grep -q 'Candidate: [^(]'; }
