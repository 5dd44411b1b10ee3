import { it } from 'node:test';
import assert from 'node:assert/strict';
import { SolverPool, SolverTimeout } from '../../src/placement/worker-pool.js';
import type { PlacementProblem } from '../../src/placement/model.js';

// The solver threads: answers equal an in-process solve's; a solve past its hard limit loses
// its thread (SolverTimeout) and the next solve gets a fresh one; closing fails queued work.

const problem: PlacementProblem = {
  candidates: ['a', 'b'].map((id, i) => ({
    id, cloudOwner: 'o', cloudRegionId: id, identifierType: 'cloudRegionId', lat: 30 + i, lon: -97, features: [], cost: {}, attributes: {},
    capacity: { total: { vcpu: 8, memoryMb: 8192, storageGb: 100 }, used: { vcpu: 0, memoryMb: 0, storageGb: 0 } },
  })),
  demands: [{ id: 'd', serviceResourceId: 'd', requirements: { vcpu: 2, memoryMb: 1024, storageGb: 1 } }],
  objective: { location: { lat: 31.2, lon: -97 } },
};

it('solves on a thread, survives a killed thread, refuses work once closed', async () => {
  const pool = new SolverPool(1);
  try {
    // The first solve starts the thread (loading the solver takes far longer than 1 ms): the
    // limit passes first and the thread is terminated.
    await assert.rejects(pool.solve(problem, 1), SolverTimeout);
    const again = await pool.solve(problem, 60_000);
    assert.equal(again.solutions[0].assignments[0].candidateId, 'b');
    const invalid = { ...problem, numSolutions: 0 };
    await assert.rejects(pool.solve(invalid, 60_000), (e: any) => e.status === 400 && e.code === 'PLACEMENT_INVALID_PROBLEM');
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.solve(problem, 1000), (e: any) => e.status === 503);
});
