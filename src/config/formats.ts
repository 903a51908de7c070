// Format checkers for the convict schema. Each one is a plain function (convict calls it with the
// value and expects a throw on a bad one) carrying a human description of what is allowed, so that
// `config check` can say "allowed: an integer from 1 to 60" next to the bad value.

/** `T` is the value type the check admits (phantom: only used by the Config type). */
export type FormatCheck<T = unknown> = ((value: unknown) => void) & {
  allowed: string;
  kind: ValueKind;
  readonly __type?: T;
};
type ValueKind = 'int' | 'number' | 'boolean' | 'string' | 'enum';

function make<T>(
  kind: ValueKind,
  allowed: string,
  check: (value: unknown) => boolean,
): FormatCheck<T> {
  const fn = ((value: unknown) => {
    if (!check(value)) throw new Error(`must be ${allowed}`);
  }) as FormatCheck<T>;
  fn.allowed = allowed;
  fn.kind = kind;
  return fn;
}

export function intIn(min: number, max: number): FormatCheck<number> {
  return make(
    'int',
    `an integer from ${min} to ${max}`,
    (v) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max,
  );
}

export function numIn(min: number, max: number): FormatCheck<number> {
  return make(
    'number',
    `a number from ${min} to ${max}`,
    (v) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max,
  );
}

export function oneOf<T extends string | number>(values: readonly T[]): FormatCheck<T> {
  return make<T>('enum', `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`, (v) =>
    values.includes(v as T),
  );
}

export function bool(): FormatCheck<boolean> {
  return make('boolean', 'true or false', (v) => typeof v === 'boolean');
}

/** A string matching `pattern` (whole string); `what` names the shape for the error text. */
function text(what: string, pattern?: RegExp): FormatCheck<string> {
  return make('string', what, (v) => typeof v === 'string' && (pattern ? pattern.test(v) : true));
}

/** Identifier safe inside an MQTT topic level and a file name. */
export const slug = (allowEmpty = false): FormatCheck<string> =>
  text(
    `${allowEmpty ? 'empty or ' : ''}1-64 characters of letters, digits, '-' or '_'`,
    allowEmpty ? /^[A-Za-z0-9_-]{0,64}$/ : /^[A-Za-z0-9_-]{1,64}$/,
  );

/** Any string, including the empty one (paths, URLs checked elsewhere). */
export const anyText = (what = 'a string'): FormatCheck<string> => text(what);

/** MQTT topic prefix: no wildcards, no leading/trailing slash; empty means "derive it". */
export const topicPrefix = (): FormatCheck<string> =>
  text(
    "empty (derived as classpulse/<room>/<device>) or topic levels without '+', '#', or a leading/trailing '/'",
    /^$|^[^+#/\s][^+#\s]*[^+#/\s]$|^[^+#/\s]$/,
  );

/** A topic prefix that must be given: topic levels without wildcards or outer slashes. */
export const topicRoot = (): FormatCheck<string> =>
  text(
    "topic levels without '+', '#', or a leading/trailing '/'",
    /^[^+#/\s][^+#\s]*[^+#/\s]$|^[^+#/\s]$/,
  );

/** An address to listen on: an IPv4 or IPv6 literal or a host name (never empty: no "all" by accident). */
export const listenHost = (): FormatCheck<string> =>
  text(
    'an IP address or host name such as 127.0.0.1, ::1 or 0.0.0.0 (all interfaces)',
    /^(?:[A-Za-z0-9.-]+|[0-9A-Fa-f:.]+)$/,
  );

/** mqtt://, mqtts://, ws://, wss:// URL, or the word `embedded` for the in-process demo broker. */
export const brokerUrl = (): FormatCheck<string> =>
  text(
    "'embedded' or a URL such as mqtt://host:1883, mqtts://host:8883, ws://host/mqtt",
    /^embedded$|^(mqtts?|wss?):\/\/[^\s/:]+(:\d{1,5})?(\/\S*)?$/,
  );

/** The models classpulse ships (models/manifest.json names). */
const MODEL_NAMES = [
  'ssd-mobilenetv1',
  'tiny-face-detector',
  'blazeface',
  'facemesh',
  'iris',
  'face-embedding',
  'expression',
] as const;

/** Comma-separated model names, possibly empty. */
export const modelList = (): FormatCheck<string> =>
  make<string>(
    'string',
    `empty or comma-separated names from ${MODEL_NAMES.join(', ')}`,
    (v) =>
      typeof v === 'string' &&
      (v.trim() === '' ||
        v.split(',').every((n) => (MODEL_NAMES as readonly string[]).includes(n.trim()))),
  );

/** Splits a modelList value. */
export function modelNames(list: string): string[] {
  return list
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
}
