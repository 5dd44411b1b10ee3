import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { parseRange } from '../../src/http/vnfpkgm/range.js';
import { displaySize, displayTime } from '../../src/http/marketplace/views.js';
import { reportLine } from '../../src/packages/catalog.js';
import { artifactMediaType, sliceStream } from '../../src/packages/package-content.js';

// The pure pieces of the package views: Range parsing (RFC 9110 14), the seed's size and time
// formats, ONAP's one-line report, byte slicing of streamed artifacts.

describe('package view helpers', () => {
  it('parseRange: single ranges, suffixes, clamping; several ranges or bad syntax are ignored; 416 past the end', () => {
    assert.deepEqual(parseRange('bytes=0-99', 1000), { start: 0, end: 99 });
    assert.deepEqual(parseRange('bytes=990-', 1000), { start: 990, end: 999 });
    assert.deepEqual(parseRange('bytes=-10', 1000), { start: 990, end: 999 });
    assert.deepEqual(parseRange('bytes=-5000', 1000), { start: 0, end: 999 });
    assert.deepEqual(parseRange('bytes=10-5000', 1000), { start: 10, end: 999 });
    for (const ignored of [undefined, '', 'bytes=0-1,5-6', 'items=0-5', 'bytes=5-3', 'bytes=-', 'bytes=a-b']) assert.equal(parseRange(ignored, 1000), undefined, String(ignored));
    for (const bad of ['bytes=1000-', 'bytes=5000-6000', 'bytes=-0']) assert.throws(() => parseRange(bad, 1000), (e: { status: number }) => e.status === 416, bad);
    assert.throws(() => parseRange('bytes=0-', 0), (e: { status: number }) => e.status === 416);
  });

  it('displaySize and displayTime follow the seed ("0.93M", "2016-06-29 03:33:15")', () => {
    assert.equal(displaySize(Math.round(0.93 * 1024 * 1024)), '0.93M');
    assert.equal(displaySize(3 * 1024 ** 3), '3.00G');
    assert.equal(displaySize(2048), '2.00K');
    assert.equal(displaySize(12), '12B');
    assert.equal(displayTime(new Date('2016-06-29T03:33:15.123Z')), '2016-06-29 03:33:15');
  });

  it('reportLine summarises a report', () => {
    assert.equal(reportLine(null), '');
    assert.equal(reportLine({ passed: true, checks: [{ id: 'a', description: '', result: 'PASS' }, { id: 'b', description: '', result: 'SKIP' }] }), 'PASSED: 1 checks passed, 1 skipped');
    assert.equal(reportLine({ passed: false, checks: [{ id: 'a', description: '', result: 'FAIL', code: 'X', detail: 'bad' }] }), 'FAILED: 1 checks failed; first: X bad');
  });

  it('sliceStream passes exactly the inclusive range across chunk boundaries', async () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    const chunks = () => Readable.from([data.subarray(0, 7), data.subarray(7, 500), data.subarray(500)]);
    for (const [start, end] of [[0, 0], [3, 9], [6, 7], [499, 500], [990, 999], [0, 999]]) {
      const out: Buffer[] = [];
      for await (const c of sliceStream(chunks(), { start, end })) out.push(c as Buffer);
      assert.deepEqual(Buffer.concat(out), data.subarray(start, end + 1), `${start}-${end}`);
    }
  });

  it('artifact media types by extension, octet-stream otherwise', () => {
    assert.equal(artifactMediaType('Definitions/a.YAML'), 'text/plain');
    assert.equal(artifactMediaType('Files/images/vnfc-server.mjs'), 'text/javascript');
    assert.equal(artifactMediaType('Files/images/disk.qcow2'), 'application/octet-stream');
  });
});
