#!/usr/bin/env node
// mecano sample VNFC that fails on start: prints one error line and exits with code 3, so tests
// can drive the instantiate failure path (FAILED_TEMP, retry, rollback) with a real process.
console.error(`vnfc ${process.env.MECANO_VNFC_ID ?? '?'} (${process.env.MECANO_VDU_ID ?? '?'}): cannot start: simulated failure (exit 3)`);
process.exit(3);
