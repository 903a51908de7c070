// Model-input buffers that come back. A 30-face frame cuts about 15 MB of FaceMesh and iris input;
// allocated afresh per run and moved to a worker, that memory counted against the main thread's
// heap and set off a full garbage collection about once a frame (V8 starts marking when memory
// outside the heap grows), and each worker freed what it received the same way. The pool's
// workers now send each input buffer back with the outputs, and the next run of that size takes it.

/** Buffers kept per byte size: more than the runs of one size a frame has in flight at once. */
const KEPT_PER_SIZE = 16;

export class InputBuffers {
  private readonly free = new Map<number, ArrayBuffer[]>();

  /** `length` floats; may hold an earlier run's values, so the caller writes every element. */
  take(length: number): Float32Array {
    const buffer = this.free.get(length * Float32Array.BYTES_PER_ELEMENT)?.pop();
    return buffer ? new Float32Array(buffer) : new Float32Array(length);
  }

  /** A buffer whose run has finished; kept for a later take() of the same size. */
  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength === 0) return;
    let list = this.free.get(buffer.byteLength);
    if (!list) {
      list = [];
      this.free.set(buffer.byteLength, list);
    }
    if (list.length < KEPT_PER_SIZE) list.push(buffer);
  }
}
