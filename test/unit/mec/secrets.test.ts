import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SecretBox } from '../../../src/mec/secrets.js';

describe('secrets at rest (AES-256-GCM)', () => {
  it('round-trips, binds to its context, detects tampering', () => {
    const box = SecretBox.fromKey(randomBytes(32));
    // '-' is not in the base64 alphabet: the sealed form cannot contain the text by chance.
    const s = box.sealJson({ password: 'pw-secret-1' }, 'esr:1');
    assert.ok(!JSON.stringify(s).includes('pw-secret-1'));
    assert.deepEqual(box.openJson(s, 'esr:1'), { password: 'pw-secret-1' });
    assert.throws(() => box.open(s, 'esr:2'));
    const tampered = { ...s, data: Buffer.from(Buffer.from(s.data, 'base64').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64') };
    assert.throws(() => box.open(tampered, 'esr:1'));
    assert.notEqual(box.seal('x', 'c').iv, box.seal('x', 'c').iv);
  });

  it('keeps its key in the data directory (0600) and finds it again', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mecano-secret-'));
    try {
      const a = await SecretBox.open({ dataDir: dir });
      const sealed = a.seal('hello', 'k');
      assert.equal((await stat(path.join(dir, 'secret.key'))).mode & 0o777, 0o600);
      const b = await SecretBox.open({ dataDir: dir });
      assert.equal(b.open(sealed, 'k').toString(), 'hello');
      const key = (await readFile(path.join(dir, 'secret.key'), 'utf8')).trim();
      assert.equal(SecretBox.fromKey(Buffer.from(key, 'base64')).open(sealed, 'k').toString(), 'hello');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
