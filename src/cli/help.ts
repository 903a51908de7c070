// Help texts: one per command, printed by `--help` and on usage errors.

export const MAIN_HELP = `classpulse — classroom attention daemon (faces in, compact MQTT events out; no images leave the box)

Usage:
  classpulse run [--config FILE]          run the daemon (camera → perception → MQTT)
  classpulse config check [FILE]          validate a config file; exit 78 when invalid
  classpulse config show [--config FILE]  print the effective config, secrets masked
  classpulse --version                    print the version

Every command takes --help. Without --config, /etc/classpulse/classpulse.yaml is read when it
exists, else the defaults; every key can be overridden as CLASSPULSE_<SECTION>_<KEY>, e.g.
CLASSPULSE_MQTT_URL=mqtt://hub:1883 or CLASSPULSE_CAMERA_SOURCE=/dev/video0.

Exit codes: 0 clean stop · 1 failure · 64 usage · 66 input file missing · 70 internal error ·
78 invalid configuration or model files · 130/143 forced by a second SIGINT/SIGTERM.`;

export const RUN_HELP = `Usage: classpulse run [--config FILE]

Opens the camera (camera.source), runs face perception at the camera.fps frame budget and
publishes events to mqtt.url (or, with mqtt.url: embedded, to an in-process broker whose
messages are printed). Stops cleanly on SIGTERM/SIGINT (a second signal forces the exit) and,
for a file source with camera.onEnd: stop, at the end of the file.

Options:
  -c, --config FILE   YAML config (default: /etc/classpulse/classpulse.yaml when present)
  -h, --help          this text`;

export const CONFIG_HELP = `Usage:
  classpulse config check [FILE]          validate FILE (or the file run would read) + environment
  classpulse config show [--config FILE]  print the effective config as YAML, secrets masked

check prints every problem with its key path, the bad value, what is allowed and where the value
came from (file:line or environment variable), suggests the nearest key for a misspelt one, and
exits 78 (EX_CONFIG) when anything is wrong, 0 when the config is valid.`;
