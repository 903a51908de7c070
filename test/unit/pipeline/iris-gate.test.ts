import { describe, expect, it } from 'vitest';
import { gatedEyes, type RememberedFace } from '../../../src/pipeline/face-memory.js';
import {
  type EyeMemory,
  needsIris,
  rememberEyes,
} from '../../../src/pipeline/landmarks/iris-gate.js';

const OPEN = { left: 0.3, right: 0.3 };
const CLOSED = { left: 0.12, right: 0.12 };

/** The gate driven as the pipeline drives it: returns which frames ran the iris model. */
function drive(
  lids: number[],
  irisReadings: (frame: number) => { left: number; right: number },
  everyFrames: number,
): boolean[] {
  let memory: EyeMemory | undefined;
  return lids.map((lid, frame) => {
    const run = needsIris(memory, lid, everyFrames);
    memory = rememberEyes(memory, lid, run ? irisReadings(frame) : undefined);
    return run;
  });
}

describe('iris gate', () => {
  it('runs the iris model on a new face and every frame when everyFrames is 1', () => {
    expect(needsIris(undefined, 0.3, 4)).toBe(true);
    const memory = rememberEyes(undefined, 0.3, OPEN);
    expect(needsIris(memory, 0.3, 1)).toBe(true);
  });

  it('skips still eyes but measures them at least every everyFrames frames', () => {
    const runs = drive(new Array(20).fill(0.3), () => OPEN, 4);
    expect(runs.slice(0, 13)).toEqual([
      true,
      false,
      false,
      false,
      true,
      false,
      false,
      false,
      true,
      false,
      false,
      false,
      true,
    ]);
  });

  it('measures every frame of a dip in FaceMesh lids and the frames after it', () => {
    const lids = [...new Array(30).fill(0.3), 0.25, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3];
    const runs = drive(lids, () => OPEN, 4);
    // Frames 30-31 dip; 32-33 are held; 34 is quiet again (its last run was at 33).
    expect(runs.slice(30, 35)).toEqual([true, true, true, true, false]);
  });

  it('keeps measuring while the last iris reading is closed, even if the lids look still', () => {
    // FaceMesh's lids never move here; the iris model saw the eyes shut on frame 12.
    const lids = new Array(24).fill(0.3);
    const runs = drive(lids, (frame) => (frame >= 12 && frame <= 16 ? CLOSED : OPEN), 4);
    expect(runs.slice(12, 18)).toEqual([true, true, true, true, true, true]);
  });

  it('keeps the last reading, ages it, and caps its history', () => {
    let memory = rememberEyes(undefined, 0.3, OPEN);
    memory = rememberEyes(memory, 0.29, undefined);
    expect(memory?.openness).toEqual(OPEN);
    expect(memory?.age).toBe(1);
    for (let i = 0; i < 400; i++) memory = rememberEyes(memory, 0.3, OPEN);
    expect(memory?.lids.length).toBe(150);
    expect(memory?.irisReadings.length).toBe(150);
    expect(rememberEyes(undefined, 0.3, undefined)).toBeUndefined();
  });

  it('applies only to followed faces under 80 px', () => {
    const eyes = rememberEyes(undefined, 0.3, OPEN);
    const face = (w: number): RememberedFace => ({
      box: { x: 0, y: 0, w, h: w },
      region: { cxPx: 0, cyPx: 0, sizePx: w * 1.7, angleRad: 0 },
      detectorOnly: false,
      eyes,
    });
    expect(gatedEyes(face(56), 4)).toBe(eyes);
    expect(gatedEyes(face(80), 4)).toBeUndefined();
    expect(gatedEyes(face(56), 1)).toBeUndefined();
    expect(gatedEyes(undefined, 4)).toBeUndefined();
  });
});
