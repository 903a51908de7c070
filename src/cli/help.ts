// Help texts: one per command, printed by `--help` and on usage errors.

export const MAIN_HELP = `classpulse — classroom attention daemon (faces in, compact MQTT events out; no images leave the box)

Usage:
  classpulse run [--config FILE]          run the daemon (camera → perception → MQTT)
  classpulse replay VIDEO [--trace]       run perception over a video file as fast as it goes
  classpulse doctor [--config FILE]       check camera, models, broker, disk and clock
  classpulse analyze PATH... [--json] [--annotate DIR]
                                          faces in photos, folders, videos: sizes, pose, eyes,
                                          expressions, identity, camera placement verdict
  classpulse enroll --id ID PHOTO|DIR...  enrol a student (embeddings only, on the device)
  classpulse students list | erase ID|--all   list or erase enrolled students
  classpulse bench [--json] [--quick]     side-by-side performance ratios
  classpulse broker-acl ROOM/DEVICE... [--devices FILE] [--recipe]
                                          mosquitto ACL (or setup script) for the school's boxes
  classpulse hub [--config FILE]          the school hub: teachers' live dashboard over MQTT
  classpulse hub passwd USER [--config FILE]  a hub user's password hash (printed or written)
  classpulse hub demo [--port N]          daemon + embedded broker + hub on the bundled clip
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

export const REPLAY_HELP = `Usage: classpulse replay VIDEO [--config FILE] [--fps N] [--until S] [--trace]

Runs the daemon's capture → pipeline → trackers over a video file as fast as the machine allows
(no frame budget unless --fps N keeps N frames per second of media time) and publishes nothing.
With --trace, stdout carries only JSON lines: {"type":"frame","tMs","faces"} for every processed
frame, {"type":"blink","track","startMs","endMs"}, {"type":"turn","track","direction",
"startMs","endMs"}, and the state, alert and class events the daemon would publish; times are
media time in ms (docs/replay-trace.md). Without --trace, one summary object is printed at the
end. Logs go to stderr.

Options:
  -c, --config FILE   YAML config (camera.source is replaced by VIDEO)
      --fps N         keep N frames per second of media time (default: every frame)
      --until S       stop before S seconds of media time (later frames are never decoded)
      --trace         JSON lines on stdout
  -h, --help          this text`;

export const ANALYZE_HELP = `Usage: classpulse analyze PATH... [--json] [--annotate DIR] [--fps N] [--until S] [--config FILE]

Runs the daemon's models, with the daemon's config, over photos (.jpg .jpeg .png .bmp .webp),
videos (.mp4 .avi .mov .mkv .webm .m4v) and folders (searched recursively; other files in them are
skipped) and reports, per face: box, width in px, detector score, yaw/pitch/roll, eye openness
(or "not measurable"), expression probabilities, and the enrolled student when a gallery exists
(identity.matchDistance). Videos run through the daemon's trackers: one row per track (frames
seen, median width, median yaw, share of frames with eyes measured, most frequent expression).
Per file, a placement verdict: which faces are too small for eye measurements (blink.minFacePx)
or for expressions, and the zoom, distance or resolution change that fixes it (docs/analyze.md).
Nothing leaves the machine; no image is written unless --annotate DIR is given.

Options:
      --json          one JSON object on stdout (docs/schemas/analyze.json) instead of tables
      --annotate DIR  write each photo with boxes and labels into DIR (name.analyzed.ext), and
                      for a video its first frame with a face, the one with most faces and the
                      one with the smallest face
      --fps N         videos: frames per second of media time analysed (default camera.fps)
      --until S       videos: stop before S seconds of media time
  -c, --config FILE   YAML config (models, detection, blink.minFacePx, identity.gallery)
  -h, --help          this text

Progress goes to stderr for folders and videos. Exit codes: 0 every file analysed; 66 some file
could not be (missing, unreadable, corrupt, unsupported type: each named on stderr, the others
still analysed and reported); 64 usage; 78 invalid config, model files or gallery.`;

export const DOCTOR_HELP = `Usage: classpulse doctor [--config FILE]

Checks that the camera opens and delivers a frame, every model file matches its manifest hash and
loads, the broker accepts the configured credentials and TLS, the state directory has disk space,
and the clock is sane. It warns (never fails) when the broker also accepts anonymous clients or
lets this box read topics other than its own commands through '#' (docs/security.md). Prints a table; exits 0 when nothing failed, 1 naming what failed, 78 when
the configuration itself is invalid.`;

export const ENROLL_HELP = `Usage: classpulse enroll --id STUDENT_ID PHOTO|FOLDER... [--config FILE]

Computes face embeddings of the student on this device and stores them in identity.gallery (mode
0600, written atomically) — embeddings only, never the photos. Each photo must hold exactly one
usable face; a photo that does not is named and skipped. Folders show a progress bar.`;

export const STUDENTS_HELP = `Usage:
  classpulse students list [--config FILE]          enrolled students and their sample counts
  classpulse students erase STUDENT_ID [--config FILE]
  classpulse students erase --all [--config FILE]

erase removes every trace of a student on the device: gallery entry, kept samples, counters.`;

export const BENCH_HELP = `Usage: classpulse bench [--json] [--quick] [--config FILE]

Measures, side by side in one run, per-stage latency and end-to-end frame time on real frames and
a synthetic classroom (1-30 composited real faces on 1280x720): int8 vs fp32, ours vs the tfjs
reference, embedding reuse vs naive at 10 faces, overhead over model time, RSS. With --json the
last stdout line is one JSON object (docs/performance.md documents every key). A progress bar
goes to stderr. --quick runs a short version with the same report shape.`;

export const BROKER_ACL_HELP = `Usage: classpulse broker-acl [ROOM/DEVICE...] [--devices FILE] [--hub USER] [--admin USER]
                             [--home-assistant PREFIX] [--recipe]

Prints a least-privilege mosquitto acl_file for the school's boxes (docs/security.md): each box
(user name = its device.id, or the CN of its client certificate) may publish only its own events
under classpulse/ROOM/DEVICE and read only its own commands; the hub user (default
classpulse-hub) reads every box and sends commands; the admin user (default classpulse-admin) may
do everything. With --recipe it prints instead a shell script for the broker host: the password
file (mosquitto_passwd asks for each password), the ACL, a conf.d snippet with anonymous access
off, and what to set on each box. With --home-assistant PREFIX (the boxes run with
mqtt.homeAssistant.enabled and that discoveryPrefix, usually homeassistant) each box may also
publish its discovery configs under PREFIX/+/DEVICE/+/config, and a user "homeassistant" reads
the discovery configs and each box's status and class topics (docs/home-assistant.md).

Boxes come as arguments (room-101/box-101) and/or from --devices FILE: one box per line as
"ROOM DEVICE", "ROOM/DEVICE" or "ROOM,DEVICE"; '#' starts a comment. Room and device are what
the box has as device.room and device.id.

  classpulse broker-acl --devices rooms.txt > /etc/mosquitto/classpulse.acl
  classpulse broker-acl room-101/box-101 room-102/box-102 --recipe > setup-broker.sh

Exit codes: 0 printed · 64 bad arguments or a bad line (named with file:line) · 66 FILE unreadable.`;

export const HUB_HELP = `Usage:
  classpulse hub [--config FILE]               run the hub (default config /etc/classpulse/hub.yaml)
  classpulse hub passwd USER [--config FILE]   hash a password for USER
  classpulse hub check [FILE]                  validate the hub config; exit 78 when invalid
  classpulse hub demo [--port N]               embedded broker + daemon on the bundled clip + hub

The hub subscribes to the school broker (mqtt.baseTopic, default classpulse/<room>/<device>/…),
keeps every room's live state and a SQLite history (history.retentionDays), and serves the
teachers' dashboard on server.host:server.port (127.0.0.1:8080; HTTPS with server.tlsCert and
server.tlsKey). Users, roles (teacher: listed rooms; admin: every room) and scrypt password hashes
are in the config's users section (config/hub.example.yaml, docs/hub.md). Several hubs with the
same mqtt.sharedGroup (MQTT 5) each show every room and split the history writes between them.

passwd reads the password without echo on a terminal (asked twice) or as the first line of
stdin, and prints the user's YAML entry; with --config FILE it writes the hash into FILE (a new
file is created with mode 0600), keeping the user's role and rooms and the file's comments.

demo starts an embedded broker (aedes, MQTT 3.1.1), the daemon on config/demo.yaml (the clip
looped) and the hub on 127.0.0.1:N (default 8080), and prints the dashboard URL and a login
made up for this run. Ctrl-C stops all three.

Exit codes: 0 stopped cleanly (check: valid) · 1 the port is in use · 64 usage · 78 invalid
configuration (every problem named with its key and file:line, as config check does).`;
