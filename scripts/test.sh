#!/usr/bin/env bash
# The whole test suite: installs the Debian packages the real-peer tests use (when missing),
# makes sure PostgreSQL is up, then runs every test file with Node's own test runner.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
command -v sox >/dev/null 2>&1 || need+=(sox)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
perl -MNet::SMPP -e1 >/dev/null 2>&1 || need+=(libnet-smpp-perl)
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || need+=(python3-aiosmtpd)
# The console's browser test (test/browser/) drives Debian's chromium headless through playwright-core.
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if ((${#need[@]})); then
  echo "open2fa tests: installing Debian packages: ${need[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "need root (or sudo) to apt-get install ${need[*]}" >&2; exit 1; }
    SUDO="sudo -n"
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# PostgreSQL (storage contract suite): start the local cluster if it is installed but down.
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    echo "open2fa tests: starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.5; done
  fi
fi

# Strict TypeScript first: a type error fails the run like a failing test.
echo "open2fa tests: typecheck (tsc --noEmit, strict)"
node node_modules/typescript/bin/tsc --noEmit -p tsconfig.json

mapfile -t files < <(find test -name '*.test.ts' | sort)
exec node --import tsx --test --test-timeout=300000 "${files[@]}"
