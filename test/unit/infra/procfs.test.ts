import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLiveState, parseEnviron, parseStat, readStat } from '../../../src/infra/local/procfs.js';

describe('/proc parsing', () => {
  it('reads fields after a command name holding spaces and parentheses', () => {
    const line = '4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 50 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0';
    assert.deepEqual(parseStat(line), { pid: 4242, comm: 'my (odd) name', state: 'S', ppid: 1, pgid: 4242, sid: 4242, startTime: 987654 });
  });

  it('rejects truncated lines', () => {
    assert.equal(parseStat('12 (x) S 1 2'), undefined);
    assert.equal(parseStat('garbage'), undefined);
  });

  it('reads this process', async () => {
    const st = await readStat(process.pid);
    assert.equal(st?.pid, process.pid);
    assert.ok(st && st.startTime > 0);
    assert.equal(await readStat(2 ** 22 + 1), undefined);
  });

  it('counts zombies as dead', () => {
    assert.equal(isLiveState('S'), true);
    assert.equal(isLiveState('Z'), false);
  });

  it('splits an environment block, keeping = inside values', () => {
    assert.deepEqual(parseEnviron(Buffer.from('A=1\0B=x=y\0EMPTY=\0\0')), { A: '1', B: 'x=y', EMPTY: '' });
  });
});
