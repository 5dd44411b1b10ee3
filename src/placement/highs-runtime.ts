import * as highsModule from 'highs';
import type { Highs } from 'highs';

// HiGHS (WebAssembly) is instantiated once per process, on the first request that needs a MILP:
// loading takes ~60 ms and the uncoupled path never needs it. The build is single-threaded and
// its calls are synchronous, so one runtime serves every solve in turn.
// NOTE: highs ships one CommonJS-typed types.d.ts for both entry points, so under NodeNext the
// type checker sees the loader at `default.default` while the ESM build exports it at `default`.

type Loader = () => Promise<Highs>;
const exported = (highsModule as unknown as { default: Loader | { default: Loader } }).default;
const loadHighs: Loader = typeof exported === 'function' ? exported : exported.default;

let runtime: Promise<Highs> | undefined;

export function highsRuntime(): Promise<Highs> {
  runtime ??= loadHighs().catch((err: unknown) => {
    runtime = undefined;
    throw err;
  });
  return runtime;
}
