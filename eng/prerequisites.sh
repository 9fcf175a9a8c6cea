#!/usr/bin/env bash
# Makes sure this machine has what the platform runs on: the .NET SDK, PostgreSQL's server
# programs (and pgbench), redis-server and util-linux (setpriv, setsid), and for the tests also chromium.
# As root it installs what is missing with apt-get; otherwise it says exactly what to
# install and stops.
#
#   eng/prerequisites.sh            what running the platform needs
#   eng/prerequisites.sh --tests    and what the tests need too
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=false
[[ "${1:-}" == "--tests" ]] && want_tests=true

missing_packages=()
have() { command -v "$1" >/dev/null 2>&1; }

if ! have dotnet; then
  echo "The .NET 10 SDK is missing. Install it (https://dot.net/download, or 'apt-get install dotnet-sdk-10.0' where your distribution has it) and run this again." >&2
  exit 1
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! have initdb; then
  missing_packages+=(postgresql)
fi
# pgbench, the load generator's PostgreSQL ceiling (docs/load.md), comes with Debian's postgresql-NN server package.
if ! ls /usr/lib/postgresql/*/bin/pgbench >/dev/null 2>&1 && ! have pgbench && [[ " ${missing_packages[*]} " != *" postgresql "* ]]; then
  missing_packages+=(postgresql)
fi
have redis-server || missing_packages+=(redis-server)
{ have setpriv && have setsid; } || missing_packages+=(util-linux)
if $want_tests; then
  # redis-benchmark comes with redis-tools; the Redis client's tests compare against it.
  have redis-benchmark || missing_packages+=(redis-tools)
  # The publishers' artifacts are validated offline with node packages (eng/validators).
  { have node && have npm; } || missing_packages+=(nodejs npm)
  # The dashboard's browser tests drive Debian's chromium through Playwright (its own browser download cannot work here).
  have chromium || missing_packages+=(chromium)
  if ! have kubectl; then
    echo "kubectl is missing; the Kubernetes publisher's tests build its output with 'kubectl kustomize'. Install the kubectl client (https://kubernetes.io/docs/tasks/tools/) and run this again." >&2
    exit 1
  fi
fi

install_validators() {
  # The validators' exact versions come from the committed lock file; offline after the first run.
  if $want_tests && [[ ! -d eng/validators/node_modules || eng/validators/package-lock.json -nt eng/validators/node_modules ]]; then
    npm ci --prefix eng/validators --no-audit --no-fund --loglevel=error
  fi
}

if ((${#missing_packages[@]} == 0)); then
  install_validators
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "Missing: ${missing_packages[*]}. Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing_packages[*]}" >&2
  exit 1
fi

echo "Installing ${missing_packages[*]} ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" >/dev/null
# The distribution's own cluster is not used: the host runs PostgreSQL itself, per app.
if have systemctl && systemctl is-active --quiet postgresql 2>/dev/null; then
  systemctl stop postgresql || true
fi
echo "Installed ${missing_packages[*]}."
install_validators
