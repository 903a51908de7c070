// 2-D affine maps between frame pixels and model-input pixels. Every crop the pipeline feeds a
// model is one `cv.warpAffine` with such a map, and every model output is mapped back with its
// inverse, so crop geometry lives in one place and is unit-testable without images.

/** x' = a·x + b·y + tx, y' = c·x + d·y + ty. */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  tx: number;
  ty: number;
}

export interface Point2 {
  x: number;
  y: number;
}

export function applyAffine(m: Affine, p: Point2): Point2 {
  return { x: m.a * p.x + m.b * p.y + m.tx, y: m.c * p.x + m.d * p.y + m.ty };
}

/** `outer ∘ inner`: first `inner`, then `outer`. */
export function composeAffine(outer: Affine, inner: Affine): Affine {
  return {
    a: outer.a * inner.a + outer.b * inner.c,
    b: outer.a * inner.b + outer.b * inner.d,
    c: outer.c * inner.a + outer.d * inner.c,
    d: outer.c * inner.b + outer.d * inner.d,
    tx: outer.a * inner.tx + outer.b * inner.ty + outer.tx,
    ty: outer.c * inner.tx + outer.d * inner.ty + outer.ty,
  };
}

export function invertAffine(m: Affine): Affine {
  const det = m.a * m.d - m.b * m.c;
  if (Math.abs(det) < 1e-12) throw new Error('affine map is not invertible');
  const a = m.d / det;
  const b = -m.b / det;
  const c = -m.c / det;
  const d = m.a / det;
  return { a, b, c, d, tx: -(a * m.tx + b * m.ty), ty: -(c * m.tx + d * m.ty) };
}

/** The 2×3 row-major matrix OpenCV's warpAffine expects. */
export function affineRows(m: Affine): number[][] {
  return [
    [m.a, m.b, m.tx],
    [m.c, m.d, m.ty],
  ];
}

/**
 * Map (x, y) pairs of an interleaved xyz buffer in place; z is scaled by the map's linear scale so
 * depth keeps the same unit as x and y.
 */
export function mapPointsXyz(m: Affine, xyz: Float32Array): void {
  const scale = Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
  for (let i = 0; i + 2 < xyz.length; i += 3) {
    const x = xyz[i] ?? 0;
    const y = xyz[i + 1] ?? 0;
    xyz[i] = m.a * x + m.b * y + m.tx;
    xyz[i + 1] = m.c * x + m.d * y + m.ty;
    xyz[i + 2] = (xyz[i + 2] ?? 0) * scale;
  }
}
