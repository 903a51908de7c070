// A still picture read in passes (Pipeline.processStill, `classpulse analyze`). The first pass
// crops each face from the detector's upright box; on a tilted face FaceMesh then reads a pose
// that the same picture turned in its own plane would not give (face-api's sample photos turned
// by ±10 and ±20°: yaw 12.3° off at p95, roll 18.4°). A followed face's region is levelled on its
// landmarks from frame to frame; a still face's is the same way from pass to pass, each face read
// again while its region still moves. Pure helpers on plain data.
import type { DescribeWanted } from './describe/face-describer.js';
import { type RememberedFace, regionDrift } from './face-memory.js';
import type { Observation, TrackHint } from './types.js';

/**
 * Passes at most, the first included. On face-api's sample photos turned by ±10 and ±20° (a
 * throwaway check: the pose of each face should not change but for the roll), yaw moved by
 * 12.3° (p95) with one pass, 8.6° with two, 4.1° with three and 1.0° with five; six gave no more.
 */
export const STILL_MAX_PASSES = 5;
/** A face is read again while its region's roll moved this much or more in the last pass... */
const SETTLED_ANGLE_RAD = (1 * Math.PI) / 180;
/** ...or its centre or side this share of its side. */
const SETTLED_SHARE = 0.01;

/** One hint per face of the first pass; ids name them by that pass's order. */
export function stillHints(observations: readonly Observation[]): TrackHint[] {
  return observations.map((o, index) => ({
    id: stillId(index),
    box: o.box,
    needsEmbedding: false,
    needsExpression: false,
  }));
}

function stillId(index: number): string {
  return `still-${index}`;
}

/** A face's memory with its region only: a new pass measures everything else afresh. */
export function regionOnly({ mesh: _mesh, eyes: _eyes, ...face }: RememberedFace): RememberedFace {
  return face;
}

/**
 * The first pass's faces with this pass's reading where it measured them again (by hint id);
 * a face it lost keeps its last reading. The detector ran on the first pass only, so its score
 * stays with the face.
 */
export function relevelled(
  last: readonly Observation[],
  pass: readonly Observation[],
): Observation[] {
  const byId = new Map(pass.map((o) => [o.trackId, o]));
  return last.map((o, index) => {
    const again = byId.get(stillId(index));
    if (!again) return o;
    const { trackId: _id, score: _none, ...reading } = again;
    return o.score === undefined ? reading : { ...reading, score: o.score };
  });
}

/**
 * The hints of the faces whose region moved in this pass (`before`: the regions it started from,
 * `after`: those its landmarks give): only they are read again. A face the pass lost is done.
 */
export function stillMoving(
  hints: readonly TrackHint[],
  before: readonly RememberedFace[],
  after: readonly RememberedFace[],
): TrackHint[] {
  const was = new Map(before.map((f) => [f.trackId, f.region]));
  const now = new Map(after.map((f) => [f.trackId, f.region]));
  return hints.filter(({ id }) => {
    const from = was.get(id);
    const to = now.get(id);
    if (!from || !to) return false;
    const turn = Math.abs(
      Math.atan2(Math.sin(to.angleRad - from.angleRad), Math.cos(to.angleRad - from.angleRad)),
    );
    const grew = Math.abs(to.sizePx - from.sizePx) / from.sizePx;
    return (
      turn >= SETTLED_ANGLE_RAD || grew >= SETTLED_SHARE || regionDrift(from, to) >= SETTLED_SHARE
    );
  });
}

/** Every face gets an embedding, and an expression where FaceMesh measured it (as in the daemon). */
export function everyFace(
  observations: readonly Observation[],
  options: { expression: { enabled: boolean } },
): DescribeWanted {
  const embed = observations.map((_o, index) => index);
  const express = options.expression.enabled
    ? embed.filter((index) => observations[index]?.landmarks !== undefined)
    : [];
  return { embed, express };
}

/** The faces with the expressions described on `from` (the same faces, in the same order). */
export function withExpressions(
  faces: readonly Observation[],
  from: readonly Observation[],
): Observation[] {
  return faces.map((o, index) => {
    const expression = from[index]?.expression;
    return expression ? { ...o, expression } : o;
  });
}
