import type {
  GcOptions,
  GcReport,
  InfraCapabilities,
  InfraDriver,
  InfraMode,
  LinkResource,
  LinkSpec,
  OwnedResources,
  ReconcileReport,
  StopOptions,
  StopResult,
  VnfcResource,
  VnfcSpec,
  VnfcStatus,
} from '../driver.js';
import { probeNetns } from './capabilities.js';
import { gc, reconcile } from './reconcile.js';
import { ensureLink, removeLink } from './virtual-links.js';
import { startVnfc, stopVnfc, vnfcStatus } from './vnfc.js';

// The local driver (vimType mecano.local.v1): VNFCs as detached processes in network namespaces,
// virtual links as bridges, or plain loopback processes where namespaces are unavailable.

export interface LocalDriverOptions {
  /** false: never use namespaces (Config.netns, `--no-netns`). Default: use them when possible. */
  netns?: boolean;
  /** How long a new VNFC must stay alive to count as started (default 400 ms). */
  startGraceMs?: number;
}

export const DEFAULT_START_GRACE_MS = 400;

export class LocalDriver implements InfraDriver {
  private caps?: Promise<InfraCapabilities>;
  private readonly graceMs: number;

  constructor(private readonly opts: LocalDriverOptions = {}) {
    this.graceMs = opts.startGraceMs ?? DEFAULT_START_GRACE_MS;
  }

  /** Probed once per driver; the mode does not change while mecano runs. */
  capabilities(): Promise<InfraCapabilities> {
    this.caps ??=
      this.opts.netns === false
        ? Promise.resolve({ mode: 'loopback', reason: 'network namespaces are disabled by configuration (netns: false)' })
        : probeNetns();
    return this.caps;
  }

  async mode(): Promise<InfraMode> {
    return (await this.capabilities()).mode;
  }

  async ensureLink(spec: LinkSpec): Promise<LinkResource> {
    return ensureLink(spec, await this.mode());
  }

  async removeLink(res: LinkResource): Promise<void> {
    await removeLink(res);
  }

  async startVnfc(spec: VnfcSpec): Promise<VnfcResource> {
    return startVnfc(spec, { mode: await this.mode(), graceMs: this.graceMs });
  }

  stopVnfc(res: VnfcResource, opts: StopOptions): Promise<StopResult> {
    return stopVnfc(res, opts);
  }

  vnfcStatus(res: VnfcResource): Promise<VnfcStatus> {
    return vnfcStatus(res);
  }

  async reconcile(owned: OwnedResources): Promise<ReconcileReport> {
    return reconcile(owned, await this.mode());
  }

  async gc(owned: OwnedResources, opts: GcOptions = {}): Promise<GcReport> {
    return gc(owned, opts, await this.mode());
  }
}

export function createLocalDriver(opts: LocalDriverOptions = {}): LocalDriver {
  return new LocalDriver(opts);
}
