import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

// Secrets at rest (registered credentials, kubeconfigs): AES-256-GCM with a random 96-bit IV per
// value and the record's identity as additional data, so a sealed value copied to another row
// does not open. The key comes from configuration (MECANO_SECRET_KEY, base64 of 32 bytes; needed
// when several processes share one database) or from <dataDir>/secret.key, created once (0600).
// NOTE: EdgeGallery stores kubeconfigs in clear and returns decrypted app-store passwords.

export interface Sealed {
  v: 1;
  iv: string;
  tag: string;
  data: string;
}

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromKey(key: Buffer): SecretBox {
    if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
    return new SecretBox(key);
  }

  /** The configured key, else the data directory's key file (made on first use). */
  static async open(opts: { key?: string; dataDir: string }): Promise<SecretBox> {
    if (opts.key) return SecretBox.fromKey(Buffer.from(opts.key, 'base64'));
    const file = path.join(opts.dataDir, 'secret.key');
    const existing = await readFile(file, 'utf8').catch(() => undefined);
    if (existing) return SecretBox.fromKey(Buffer.from(existing.trim(), 'base64'));
    await mkdir(opts.dataDir, { recursive: true });
    const key = randomBytes(32);
    // 'wx': a concurrent first start loses the race and reads the winner's key instead.
    const wrote = await writeFile(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' }).then(() => true, () => false);
    if (wrote) return SecretBox.fromKey(key);
    return SecretBox.fromKey(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64'));
  }

  seal(plain: Buffer | string, context: string): Sealed {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(context, 'utf8'));
    const data = Buffer.concat([c.update(typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain), c.final()]);
    return { v: 1, iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), data: data.toString('base64') };
  }

  open(sealed: Sealed, context: string): Buffer {
    const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(sealed.iv, 'base64'));
    d.setAAD(Buffer.from(context, 'utf8'));
    d.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([d.update(Buffer.from(sealed.data, 'base64')), d.final()]);
  }

  sealJson(value: unknown, context: string): Sealed {
    return this.seal(JSON.stringify(value), context);
  }

  openJson<T>(sealed: Sealed, context: string): T {
    return JSON.parse(this.open(sealed, context).toString('utf8')) as T;
  }
}
