#!/usr/bin/env bash
# Installs classpulse as a systemd service from a built checkout (run scripts/setup.sh first):
#   - the program in /opt/classpulse (dev dependencies pruned), `classpulse` on the PATH;
#   - a system user `classpulse` in group video, owning /var/lib/classpulse;
#   - /etc/classpulse/classpulse.yaml from the commented example, only if there is none yet;
#   - /etc/systemd/system/classpulse.service, then `systemctl daemon-reload`.
# Idempotent: run it again after `git pull && scripts/setup.sh` to update; the config is kept.
#
#   sudo scripts/install-service.sh [--enable] [--prefix DIR] [--keep-dev-deps] [--root DIR]
#
#   --enable          also `systemctl enable --now classpulse` (default: print the next steps)
#   --prefix DIR      program directory (default /opt/classpulse)
#   --keep-dev-deps   do not run `npm prune --omit=dev` in the copy
#   --root DIR        stage everything under DIR instead of / (packaging, tests): no user is
#                     created, nothing is chowned, systemctl is not called
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"

prefix=/opt/classpulse
root=''
enable=0
prune=1
while [ $# -gt 0 ]; do
  case "$1" in
    --enable) enable=1 ;;
    --prefix) prefix="${2:?--prefix needs a directory}"; shift ;;
    --keep-dev-deps) prune=0 ;;
    --root) root="$(realpath -m "${2:?--root needs a directory}")"; shift ;;
    -h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-service: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
  shift
done

log() { printf '\033[1m[install]\033[0m %s\n' "$*" >&2; }
die() { printf 'install-service: %s\n' "$*" >&2; exit "${2:-1}"; }
live=0
[ -z "$root" ] && live=1
if [ "$live" -eq 1 ] && [ "$(id -u)" -ne 0 ]; then die 'run as root (sudo scripts/install-service.sh)' 77; fi

user=classpulse
etc="$root/etc/classpulse"
state="$root/var/lib/classpulse"
unit="$root/etc/systemd/system/classpulse.service"
dest="$root$prefix"

# --- preconditions: a built checkout --------------------------------------------------------
[ -f "$src/dist/cli/main.js" ] || die "no dist/ in $src: run scripts/setup.sh first" 66
[ -f "$src/systemd/classpulse.service" ] || die "systemd/classpulse.service missing in $src" 66
[ -f "$src/config/classpulse.example.yaml" ] || die "config/classpulse.example.yaml missing" 66
[ -f "$src/models/manifest.json" ] || log "warning: models/manifest.json missing: the daemon will refuse to start (npm run models)"
if [ "$live" -eq 1 ]; then
  command -v node >/dev/null || die 'node not found: install Node.js 20 or later' 69
  [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] || die 'Node.js 20 or later is required' 69
  command -v systemd-notify >/dev/null || die 'systemd-notify not found (Debian package systemd)' 69
fi

# --- user ---------------------------------------------------------------------------------------
if [ "$live" -eq 1 ]; then
  if id -u "$user" >/dev/null 2>&1; then
    usermod -a -G video "$user"
    log "user $user exists (added to group video)"
  else
    useradd --system --user-group --groups video --home-dir /var/lib/classpulse --no-create-home \
      --shell /usr/sbin/nologin --comment 'classpulse daemon' "$user"
    log "created system user $user (groups: $user, video)"
  fi
fi

# --- program: copy to a staging dir, prune, then swap it in ---------------------------------------
log "installing the program in $dest"
mkdir -p "$(dirname "$dest")"
stage="$dest.new"
rm -rf "$stage"
mkdir -p "$stage"
for item in bin dist models config systemd docs package.json package-lock.json node_modules README.md; do
  [ -e "$src/$item" ] && cp -a "$src/$item" "$stage/"
done
# Source maps and type-check caches are not needed at run time.
rm -f "$stage/dist/.tsbuildinfo"
if [ "$prune" -eq 1 ] && [ -d "$stage/node_modules" ]; then
  log 'pruning dev dependencies (offline)'
  (cd "$stage" && npm prune --omit=dev --offline --no-audit --no-fund >/dev/null) ||
    log 'warning: npm prune failed; dev dependencies stay (harmless, only disk space)'
fi
if [ -e "$dest" ]; then
  rm -rf "$dest.old"
  mv "$dest" "$dest.old"
fi
mv "$stage" "$dest"
rm -rf "$dest.old"
[ "$live" -eq 1 ] && chown -R root:root "$dest"
chmod -R go-w "$dest"
mkdir -p "$root/usr/local/bin"
ln -sfn "$prefix/bin/classpulse" "$root/usr/local/bin/classpulse"

# --- config and state -----------------------------------------------------------------------------
mkdir -p "$etc" "$state"
chmod 0750 "$etc" "$state"
if [ -f "$etc/classpulse.yaml" ]; then
  log "keeping the existing $etc/classpulse.yaml"
else
  cp "$src/config/classpulse.example.yaml" "$etc/classpulse.yaml"
  chmod 0640 "$etc/classpulse.yaml"
  log "wrote the default config $etc/classpulse.yaml: set device.id, device.room, camera.source and mqtt.*"
fi
if [ "$live" -eq 1 ]; then
  # Readable by the daemon's group, writable only by root: the daemon cannot change its own config.
  chown root:"$user" "$etc" "$etc/classpulse.yaml"
  chown "$user:$user" "$state"
fi

# --- unit -----------------------------------------------------------------------------------------
mkdir -p "$(dirname "$unit")"
sed "s#/opt/classpulse#$prefix#g" "$src/systemd/classpulse.service" >"$unit"
chmod 0644 "$unit"
log "installed $unit"

if [ "$live" -eq 0 ]; then
  log "staged under $root (no user, no chown, no systemctl)"
  exit 0
fi
systemctl daemon-reload
if runuser -u "$user" -- "$prefix/bin/classpulse" config check "$etc/classpulse.yaml"; then
  log 'config check passed'
else
  log "config check failed: edit $etc/classpulse.yaml, then run: sudo -u $user classpulse config check $etc/classpulse.yaml"
fi
if [ "$enable" -eq 1 ]; then
  systemctl enable --now classpulse
  log 'enabled and started: journalctl -u classpulse -f'
else
  cat >&2 <<EOF

Next steps:
  sudo nano $etc/classpulse.yaml                     # device.id/room, camera.source, mqtt.*
  sudo -u $user classpulse doctor --config $etc/classpulse.yaml
  sudo systemctl enable --now classpulse
  journalctl -u classpulse -f
EOF
fi
