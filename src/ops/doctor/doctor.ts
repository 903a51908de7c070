// `classpulse doctor`'s checks in the order a technician fixes things: camera, models, broker,
// disk, clock. Each runs under its own timeout and never throws: a crash in one check becomes
// its FAIL row and the others still run.
import { PACKAGE_ROOT } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { checkBroker } from './broker-check.js';
import { checkCamera } from './camera-check.js';
import { type CheckResult, errorText } from './check-result.js';
import { checkClock, checkDisk, installMarker } from './host-checks.js';
import { checkModels } from './models-check.js';

export interface DoctorTimeouts {
  cameraMs: number;
  /** Per model: hashing and opening an onnxruntime session (slow on a Pi 4). */
  modelMs: number;
  brokerMs: number;
  clockMs: number;
}

const DEFAULT_DOCTOR_TIMEOUTS: DoctorTimeouts = {
  cameraMs: 10_000,
  modelMs: 60_000,
  brokerMs: 10_000,
  clockMs: 3000,
};

export interface DoctorOptions {
  config: Config;
  timeouts?: Partial<DoctorTimeouts>;
}

export async function runDoctor(options: DoctorOptions): Promise<CheckResult[]> {
  const { config } = options;
  const t = { ...DEFAULT_DOCTOR_TIMEOUTS, ...options.timeouts };
  const guarded = async (check: string, run: () => Promise<CheckResult | CheckResult[]>) => {
    try {
      const result = await run();
      return Array.isArray(result) ? result : [result];
    } catch (error) {
      return [{ check, status: 'FAIL' as const, detail: `check crashed: ${errorText(error)}` }];
    }
  };
  return [
    ...(await guarded('camera', () =>
      checkCamera({ camera: config.camera, timeoutMs: t.cameraMs }),
    )),
    ...(await guarded('models', () =>
      checkModels({ models: config.models, detection: config.detection, timeoutMs: t.modelMs }),
    )),
    ...(await guarded('broker', () => checkBroker({ mqtt: config.mqtt, timeoutMs: t.brokerMs }))),
    ...(await guarded('disk', () => checkDisk(config.device.stateDir))),
    ...(await guarded('clock', () =>
      checkClock({ installedMarker: installMarker(PACKAGE_ROOT), timeoutMs: t.clockMs }),
    )),
  ];
}
