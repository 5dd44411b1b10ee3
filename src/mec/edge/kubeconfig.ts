import { parseDocument } from 'yaml';
import type { Db } from '../../store/db.js';
import { NotFound, PayloadTooLarge } from '../../errors.js';
import { deleteKubeconfig, getKubeconfig, upsertKubeconfig } from '../../store/mec-kubeconfigs.js';
import type { SecretBox } from '../secrets.js';
import { checkPathIp, invalidInput } from '../validate.js';

// POST /mec/v1/applcm/host/{host_ip}/k8sconfig: the kubeconfig of a host's cluster, kept for the
// Kubernetes driver. Checked as lcmcontroller does (≤ 5 MiB, YAML) plus the shape of a kubeconfig
// (a mapping with clusters), then sealed with AES-256-GCM; no API ever returns it.
// NOTE: EdgeGallery's k8splugin writes it in clear to its volume.

export const MAX_KUBECONFIG_BYTES = 5 * 1024 * 1024;

export class Kubeconfigs {
  constructor(private readonly deps: { db: Db; secrets: SecretBox }) {}

  async upload(hostIp: string, content: Buffer): Promise<Record<string, unknown>> {
    checkPathIp(hostIp, 'host_ip');
    if (content.length > MAX_KUBECONFIG_BYTES) throw new PayloadTooLarge(`the kubeconfig is ${content.length} bytes, more than ${MAX_KUBECONFIG_BYTES}`);
    if (content.length === 0) throw invalidInput([{ name: 'file', reason: 'is empty' }], 'kubeconfig upload');
    const doc = parseDocument(content.toString('utf8'), { uniqueKeys: true, strict: true });
    let value: unknown;
    try {
      value = doc.errors.length ? undefined : doc.toJS({ maxAliasCount: 100 });
    } catch {
      value = undefined;
    }
    if (doc.errors.length || typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw invalidInput([{ name: 'file', reason: `is not a YAML mapping${doc.errors[0] ? ` (${doc.errors[0].message.split('\n')[0]})` : ''}` }], 'kubeconfig upload');
    }
    const v = value as Record<string, unknown>;
    if (!Array.isArray(v.clusters) || (v.kind !== undefined && v.kind !== 'Config')) {
      throw invalidInput([{ name: 'file', reason: 'is not a kubeconfig (kind Config with a clusters list)' }], 'kubeconfig upload');
    }
    await upsertKubeconfig(this.deps.db, hostIp, this.deps.secrets.seal(content, `kubeconfig:${hostIp}`), content.length);
    return { hostIp, configUploadStatus: 'Uploaded', size: content.length };
  }

  async status(hostIp: string): Promise<Record<string, unknown>> {
    checkPathIp(hostIp, 'host_ip');
    const row = await getKubeconfig(this.deps.db, hostIp);
    return row ? { hostIp, configUploadStatus: 'Uploaded', size: row.size, updatedTime: row.updated_at } : { hostIp, configUploadStatus: 'NotUploaded' };
  }

  async delete(hostIp: string): Promise<Record<string, unknown>> {
    checkPathIp(hostIp, 'host_ip');
    if (!(await deleteKubeconfig(this.deps.db, hostIp))) throw new NotFound(`No kubeconfig was uploaded for ${hostIp}.`, 'MEC_KUBECONFIG_NOT_FOUND');
    return { hostIp, configUploadStatus: 'Deleted' };
  }

  /** For the Kubernetes driver (not an API): the kubeconfig in clear. */
  async open(hostIp: string): Promise<Buffer | undefined> {
    const row = await getKubeconfig(this.deps.db, hostIp);
    return row ? this.deps.secrets.open(row.sealed, `kubeconfig:${hostIp}`) : undefined;
  }
}
