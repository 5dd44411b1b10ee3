// tsc compiles TypeScript only; SQL migrations are read at run time next to the compiled code.
import { cpSync } from 'node:fs';
cpSync('src/store/migrations', 'dist/src/store/migrations', { recursive: true });
