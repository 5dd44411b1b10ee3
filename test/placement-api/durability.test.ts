import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { http } from '../helpers/app.js';
import { startReceiver, type Receiver } from '../notify/helpers.js';
import { addSites, placementPost, seedRequest, startPlacementApp, waitFor, waitRequest, type PlacementApp } from './helpers.js';

// The request row is the unit of work: a request accepted by a process that stops before
// solving it is solved and answered by the next process on the same database.

let app: PlacementApp;
let rcv: Receiver;

before(async () => {
  app = await startPlacementApp({ workers: false });
  rcv = await startReceiver();
  await addSites(app.url, ['dallas', 'austin']);
});
after(async () => {
  await rcv.close();
  await app.close();
});

it('an accepted, unsolved request survives a restart and is answered after it', async () => {
  const body = seedRequest(`${rcv.url}/after-restart`);
  const r = await placementPost(app.url, body);
  assert.equal(r.status, 202, r.text);
  const before = await http(app.url, 'GET', `/api/oof/v1/placement/${body.requestInfo.requestId}`);
  assert.equal(before.body.requestStatus, 'accepted', 'nothing solves it in a process without workers');
  assert.equal(before.body.solutions, undefined);

  await app.restart({ workers: true });
  const [cb] = await waitFor('callback after restart', () => (rcv.posts().length ? rcv.posts() : undefined));
  assert.equal(cb.path, '/after-restart');
  assert.equal(cb.body.requestId, body.requestInfo.requestId);
  assert.equal(cb.body.requestStatus, 'completed');
  assert.equal(cb.body.solutions.placementSolutions[0].length, 2);
  const s = await waitRequest(app.url, body.requestInfo.requestId, (b) => b.callback?.state === 'delivered');
  assert.equal(s.requestStatus, 'completed');
  // A duplicate after the restart still returns the one request.
  const again = await placementPost(app.url, body);
  assert.equal(again.status, 202);
  assert.match(again.body.statusMessage, /its status is completed/);
  assert.equal(rcv.posts().length, 1);
});
