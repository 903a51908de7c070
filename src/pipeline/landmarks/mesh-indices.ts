// FaceMesh (468 points) index tables, copied from @vladmandic/human src/face/facemeshcoords.ts
// (MediaPipe's numbering). "left"/"right" are the student's own: the left eye is on the image's
// right side (landmarks 263/362).

/** Eye contours per side; the iris model's 71 contour points replace exactly these. */
export const EYE_CONTOURS = {
  right: {
    EyeUpper0: [246, 161, 160, 159, 158, 157, 173],
    EyeLower0: [33, 7, 163, 144, 145, 153, 154, 155, 133],
    EyeUpper1: [247, 30, 29, 27, 28, 56, 190],
    EyeLower1: [130, 25, 110, 24, 23, 22, 26, 112, 243],
    EyeUpper2: [113, 225, 224, 223, 222, 221, 189],
    EyeLower2: [226, 31, 228, 229, 230, 231, 232, 233, 244],
    EyeLower3: [143, 111, 117, 118, 119, 120, 121, 128, 245],
    EyebrowUpper: [156, 70, 63, 105, 66, 107, 55, 193],
    EyebrowLower: [35, 124, 46, 53, 52, 65],
  },
  left: {
    EyeUpper0: [466, 388, 387, 386, 385, 384, 398],
    EyeLower0: [263, 249, 390, 373, 374, 380, 381, 382, 362],
    EyeUpper1: [467, 260, 259, 257, 258, 286, 414],
    EyeLower1: [359, 255, 339, 254, 253, 252, 256, 341, 463],
    EyeUpper2: [342, 445, 444, 443, 442, 441, 413],
    EyeLower2: [446, 261, 448, 449, 450, 451, 452, 453, 464],
    EyeLower3: [372, 340, 346, 347, 348, 349, 350, 357, 465],
    EyebrowUpper: [383, 300, 293, 334, 296, 336, 285, 417],
    EyebrowLower: [265, 353, 276, 283, 282, 295],
  },
} as const;

export type EyeSide = keyof typeof EYE_CONTOURS;
export type ContourKey = keyof (typeof EYE_CONTOURS)['left'];

/** Which of the iris model's 71 contour outputs belongs to which contour (human's irisIndices). */
export const IRIS_MODEL_CONTOURS: Record<ContourKey, readonly number[]> = {
  EyeUpper0: [9, 10, 11, 12, 13, 14, 15],
  EyeUpper1: [25, 26, 27, 28, 29, 30, 31],
  EyeUpper2: [41, 42, 43, 44, 45, 46, 47],
  EyeLower0: [0, 1, 2, 3, 4, 5, 6, 7, 8],
  EyeLower1: [16, 17, 18, 19, 20, 21, 22, 23, 24],
  EyeLower2: [32, 33, 34, 35, 36, 37, 38, 39, 40],
  EyeLower3: [54, 55, 56, 57, 58, 59, 60, 61, 62],
  EyebrowUpper: [63, 64, 65, 66, 67, 68, 69, 70],
  EyebrowLower: [48, 49, 50, 51, 52, 53],
};

/** The iris model outputs 71 contour points then 5 iris points (centre, then around), xyz each. */
export const IRIS_MODEL_CONTOUR_POINTS = 71;
export const IRIS_MODEL_POINTS = 76;

/** Eye corners that size each eye's crop (the ends of EyeLower0). */
export const EYE_CORNERS: Record<EyeSide, { outer: number; inner: number }> = {
  right: { outer: 33, inner: 133 },
  left: { outer: 263, inner: 362 },
};

/** The 5 iris points of each eye are appended after the 468 mesh points: left first (human). */
export const IRIS_POINT_OFFSET: Record<EyeSide, number> = { left: 468, right: 473 };
export const MESH_POINT_COUNT = 468;
export const REFINED_POINT_COUNT = 478;

/** Upper/lower lid point pairs across each eye (EyeUpper0 vs EyeLower0 at the same position). */
export const LID_PAIRS: Record<EyeSide, ReadonlyArray<{ upper: number; lower: number }>> = {
  right: [
    { upper: 160, lower: 144 },
    { upper: 159, lower: 145 },
    { upper: 158, lower: 153 },
  ],
  left: [
    { upper: 387, lower: 373 },
    { upper: 386, lower: 374 },
    { upper: 385, lower: 380 },
  ],
};

/** Points of the 68-point (dlib/face-api) layout on the mesh: used to frame the embedding crop. */
export const VTX68 = [
  127, 234, 132, 58, 172, 150, 149, 148, 152, 377, 378, 379, 397, 288, 361, 454, 356, 70, 63, 105,
  66, 107, 336, 296, 334, 293, 300, 168, 6, 195, 4, 98, 97, 2, 326, 327, 33, 160, 158, 133, 153,
  144, 362, 385, 387, 263, 373, 380, 57, 40, 37, 0, 267, 270, 287, 321, 314, 17, 84, 91, 78, 81, 13,
  311, 308, 402, 14, 178,
] as const;
