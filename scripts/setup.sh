#!/usr/bin/env bash
# Installs everything classpulse needs on Debian 12 / 64-bit Raspberry Pi OS (bookworm), then
# optionally runs the demo or the test suite. Idempotent: a second run only checks and goes on.
#
#   scripts/setup.sh          install only
#   scripts/setup.sh demo     install, then run the daemon on the bundled demo clip
#   scripts/setup.sh hub-demo install, then run daemon + embedded broker + hub (the dashboard)
#   scripts/setup.sh test     install, then run the whole test suite (what CI runs)
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-install}"
case "$mode" in
  install | demo | hub-demo | test) ;;
  *)
    echo "usage: scripts/setup.sh [install|demo|hub-demo|test]" >&2
    exit 64
    ;;
esac

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

# --- system packages -------------------------------------------------------------------------
# libopencv-dev: OpenCV that @u4/opencv4nodejs links against; gstreamer: camera/file pipelines
# (libcamerasrc for the Pi CSI camera where the distribution has it); mosquitto: the real broker
# the MQTT tests start; g++/make/python3/pkg-config: node-gyp; openssl: TLS test certificates;
# systemd: systemd-notify (sd_notify), python3 also plays the fake notify socket in tests.
packages=(libopencv-dev pkg-config g++ make python3 mosquitto openssl ca-certificates systemd
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-libav)
# chromium: the real browser the hub's dashboard test drives through puppeteer-core's executablePath
# (puppeteer's own browser download fails offline); only the test suite needs it.
if [ "$mode" = test ]; then packages+=(chromium); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # The Pi CSI camera's GStreamer source; not every Debian mirror has it, so it is optional.
  if apt-cache show gstreamer1.0-libcamera >/dev/null 2>&1; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gstreamer1.0-libcamera || log "gstreamer1.0-libcamera not installed (CSI camera unavailable)"
  fi
else
  log "system packages present"
fi

# --- Node.js ---------------------------------------------------------------------------------
node_ok() {
  # 20.19 or later: fastify (the hub) requires an ES-module-only package, which Node loads from 20.19.
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'
}
if ! command -v node >/dev/null || ! node_ok; then
  echo "classpulse needs Node.js 20.19 or later (Debian 12 ships 18): install it, e.g. from" \
    "NodeSource's Debian packages, then run this script again." >&2
  exit 69
fi

# --- npm packages ----------------------------------------------------------------------------
# onnxruntime-node: skip its CUDA download (it ships the CPU binaries for x64 and arm64).
# @u4/opencv4nodejs: build against the system OpenCV instead of downloading and compiling one.
export ONNXRUNTIME_NODE_INSTALL=skip OPENCV4NODEJS_DISABLE_AUTOBUILD=1 JOBS=max
stamp=node_modules/.classpulse-lock-sha
want="$(sha256sum package-lock.json | cut -d' ' -f1) node-$(node -v) $(uname -m)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f node_modules/@u4/opencv4nodejs/build/Release/opencv4nodejs.node ]; then
  log "npm packages up to date"
else
  log "npm ci (builds the OpenCV binding against the system OpenCV: a few minutes the first time)"
  npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
fi

# --- build -----------------------------------------------------------------------------------
log "compiling TypeScript"
npm run --silent build

# --- models ---------------------------------------------------------------------------------
# The int8 models and models/manifest.json are committed. The fp32 builds (run for the models in
# models.floatModels, and for models.precision: fp32) are rebuilt here from node_modules: the
# conversion is deterministic and takes seconds, and the manifest's sha256 proves the result.
if npm run --silent models:check >/dev/null 2>&1; then
  log "models present and verified"
else
  log "building the fp32 models from node_modules"
  npm run --silent models:fp32 >/dev/null
  npm run --silent models:check
fi

case "$mode" in
  demo) exec bin/classpulse run --config config/demo.yaml ;;
  hub-demo) exec bin/classpulse hub demo ;;
  test) exec npm test ;;
  install) log "done: run 'bin/classpulse --help'" ;;
esac
