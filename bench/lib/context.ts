/**
 * What the modules share in one run: one `npm start` runtime (started on first use, on free ports, with a
 * fresh data folder) and the demo admin's token. Stopped once at the end of the run.
 */
import { loginDemoAdmin } from '../../test/support/http';
import { startRuntimeProcess, type RuntimeProcess } from '../../test/support/runtime-process';
import { requireFiles, RUNTIME_FILES } from './components';
import type { ModuleReport } from './report';

/** One section of the bench: a name and what it measures. */
export interface BenchModule {
  name: string;
  run(ctx: BenchContext): Promise<ModuleReport>;
}

export interface BenchContext {
  /** Rounds per figure; each figure is the median of the rounds. */
  rounds: number;
  /** Seconds of each load round. */
  seconds: number;
  runtime(): Promise<RuntimeProcess>;
  adminToken(): Promise<string>;
  log(line: string): void;
  close(): Promise<void>;
}

export function createContext(options: { rounds: number; seconds: number }): BenchContext {
  let runtime: Promise<RuntimeProcess> | undefined;
  let token: Promise<string> | undefined;
  return {
    ...options,
    runtime() {
      requireFiles(RUNTIME_FILES);
      // BENCH_START_TIMEOUT_MS: a machine shared with other work may need longer than the default 90 s to start.
      runtime ??= startRuntimeProcess({
        env: { POWERTOOLS_LOG_LEVEL: 'ERROR' },
        timeoutMs: Number(process.env.BENCH_START_TIMEOUT_MS ?? 90_000),
      });
      return runtime;
    },
    async adminToken() {
      const { baseUrl } = await this.runtime();
      token ??= loginDemoAdmin(baseUrl);
      return token;
    },
    log: (line) => console.log(`    ${line}`),
    async close() {
      if (runtime) await (await runtime.catch(() => undefined))?.stop();
    },
  };
}

let counter = 0;
/** A valid PatientInput with a unique email. */
export function patientInput(tag = 'bench'): Record<string, unknown> {
  counter++;
  const states = ['CA', 'NY', 'TX', 'WA', 'FL'];
  return {
    firstName: `Bench${counter}`,
    lastName: 'Patient',
    email: `${tag}-${process.pid}-${Date.now()}-${counter}@example.test`,
    dateOfBirth: `${1940 + (counter % 70)}-0${1 + (counter % 9)}-1${counter % 10}`,
    address: { street: '1 Bench Way', city: 'Springfield', state: states[counter % states.length], zipCode: '12345' },
    gender: ['male', 'female', 'other', 'unknown'][counter % 4],
  };
}
