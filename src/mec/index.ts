import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import type { Db } from '../store/db.js';
import type { LcmEventSink, PackageSource } from '../lcm/ports.js';
import type { LcmService } from '../lcm/service.js';
import type { RunnerDeps } from '../lcm/runner.js';
import { SUPPORTED_VIM_TYPES } from '../lcm/validate.js';
import type { BlobStore } from '../packages/blob-store.js';
import type { PackageOnboarding } from '../packages/onboarding.js';
import type { PackageRecords } from '../packages/package-records.js';
import { insertEsr, listEsr, updateEsr } from '../store/mec-esr.js';
import { MecActions } from './actions.js';
import { Apm } from './apm.js';
import { AppLcms } from './applcms.js';
import { centreHandlers } from './centre-handlers.js';
import { DistributionWorker } from './distribution.js';
import { EdgeAppLcm } from './edge/applcm.js';
import { mepCapabilities } from './edge/capabilities.js';
import { Kubeconfigs } from './edge/kubeconfig.js';
import { Esr } from './esr.js';
import { esrHealth } from './health.js';
import { KpiSampler } from './kpi.js';
import { Meo } from './meo.js';
import { MeoHosts } from './meo-hosts.js';
import { MEC_VIM_TYPE } from './model.js';
import { MecPackageStore } from './package-store.js';
import { mecProjection } from './projection.js';
import { SecretBox } from './secrets.js';
import { MecSubscriptions, type Enqueue } from './subscriptions.js';
import type { CandidateRegistry } from './candidates.js';

// The MEC orchestration module, composed for the process's role: the centre (MEO, APM, ESR)
// in `centre` and `all`, the edge (AppLCM) in `edge` and `all`. Built in two steps because the
// engine and this module need each other: first what the engine needs from MEC (its event sink
// and its handlers for MEC instances), then, once the engine exists, what needs the engine.

SUPPORTED_VIM_TYPES.add(MEC_VIM_TYPE);

export interface MecDeps {
  db: Db;
  config: Config;
  blobs: BlobStore;
  records: PackageRecords;
  onboarding: PackageOnboarding;
  packages: PackageSource;
  notifier: LcmEventSink & Enqueue;
  baseUrl: () => string;
  log: { info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void };
  version: string;
  /** The homing engine's candidate inventory: MEC hosts are registered there too. */
  candidates?: CandidateRegistry;
}

export interface MecCentre {
  esr: Esr;
  apm: Apm;
  meo: Meo;
  hosts: MeoHosts;
  subscriptions: MecSubscriptions;
  health(): ReturnType<typeof esrHealth>;
}

export interface MecEdge {
  applcm: EdgeAppLcm;
  kubeconfigs: Kubeconfigs;
  kpi: KpiSampler;
  capabilities(tenant: string, hostIp: string): ReturnType<typeof mepCapabilities>;
}

export class Mec {
  readonly events: LcmEventSink;
  readonly handlerFor: NonNullable<RunnerDeps['handlerFor']>;
  centre?: MecCentre;
  edge?: MecEdge;
  actions?: MecActions;
  distribution?: DistributionWorker;
  private readonly isCentre: boolean;
  private readonly isEdge: boolean;
  private readonly applcms: AppLcms;
  private readonly esr: Esr;
  private readonly store: MecPackageStore;
  private readonly subscriptions: MecSubscriptions;

  private constructor(
    private readonly deps: MecDeps,
    private readonly secrets: SecretBox,
  ) {
    this.isCentre = deps.config.role !== 'edge';
    this.isEdge = deps.config.role !== 'centre';
    this.esr = new Esr({ db: deps.db, secrets, candidates: deps.candidates });
    this.applcms = new AppLcms({ esr: this.esr, options: { uploadTimeoutMs: deps.config.mecDistributionTimeoutMs } });
    this.store = new MecPackageStore({ db: deps.db, blobs: deps.blobs, records: deps.records, onboarding: deps.onboarding });
    this.subscriptions = new MecSubscriptions({ db: deps.db, outbox: deps.notifier, baseUrl: deps.baseUrl, log: deps.log });
    this.events = mecProjection(deps.notifier, { subscriptions: () => (this.isCentre ? this.subscriptions : undefined), nudgeActions: () => this.actions?.nudge() });
    const centre = centreHandlers({ applcms: this.applcms, options: {} });
    this.handlerFor = (op, instance) => (this.isCentre ? centre.handlerFor(op, instance) : undefined);
  }

  static async create(deps: MecDeps): Promise<Mec> {
    return new Mec(deps, await SecretBox.open({ key: deps.config.secretKey, dataDir: deps.config.dataDir }));
  }

  /** Second step: the parts that drive the engine. */
  bind(lcm: LcmService): void {
    const { db, config, log } = this.deps;
    let meo: Meo | undefined;
    if (this.isCentre) {
      this.distribution = new DistributionWorker({ db, store: this.store, applcms: this.applcms, log });
      const apm = new Apm({ db, store: this.store, applcms: this.applcms, uploadLimit: config.uploadLimit, nudge: () => this.distribution?.nudge() });
      meo = new Meo({ db, lcm, packages: this.deps.packages, nudgeActions: () => this.actions?.nudge() });
      this.centre = {
        esr: this.esr,
        apm,
        meo,
        hosts: new MeoHosts({ db, applcms: this.applcms, meo, candidates: this.deps.candidates }),
        subscriptions: this.subscriptions,
        health: () => esrHealth({ db, applcms: this.applcms }),
      };
    }
    let applcm: EdgeAppLcm | undefined;
    if (this.isEdge) {
      applcm = new EdgeAppLcm({ db, lcm, packages: this.deps.packages, store: this.store, uploadLimit: config.uploadLimit, network: config.mecAppNetwork, nudgeActions: () => this.actions?.nudge() });
      const edge = applcm;
      this.edge = {
        applcm,
        kubeconfigs: new Kubeconfigs({ db, secrets: this.secrets }),
        kpi: new KpiSampler(),
        capabilities: (tenant, hostIp) => mepCapabilities({ db, applcm: edge, version: this.deps.version }, tenant, hostIp),
      };
    }
    // Role all: the engine's 4 workers also run the edge's operations; keep 2 of them for those.
    const edgeOpsCap = this.isCentre && this.isEdge ? 2 : undefined;
    this.actions = new MecActions({ db, lcm, meo, edge: applcm, subscriptions: this.isCentre ? this.subscriptions : undefined, edgeOpsCap, log });
  }

  /** After listen: in role `all`, register this process as a platform AppLCM and MEC host. */
  async start(url: string, opts: { workers: boolean }): Promise<void> {
    if (this.isCentre && this.isEdge) await this.registerSelf(url);
    if (opts.workers) {
      this.actions?.start();
      this.distribution?.start();
    }
  }

  async stop(): Promise<void> {
    await this.actions?.stop();
    await this.distribution?.stop();
  }

  private async registerSelf(url: string): Promise<void> {
    const u = new URL(url);
    // The address this process listens on (the URL may say localhost or a public name).
    let ip = this.deps.config.host;
    if (ip === '0.0.0.0' || ip === 'localhost') ip = '127.0.0.1';
    if (ip === '::') ip = '::1';
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    const user = this.deps.config.authUsers[0];
    const now = new Date().toISOString();
    await this.deps.db.tx(async (tx) => {
      const lcm = (await listEsr(tx, 'applcm', null)).find((r) => r.doc.applcmName === 'local');
      const lcmId = lcm?.id ?? randomUUID();
      const lcmDoc = { applcmName: 'local', applcmIp: ip, applcmPort: port, scheme: u.protocol === 'https:' ? 'https' : 'http', ...(user ? { userName: user.user } : {}), createTime: (lcm?.doc.createTime as string) ?? now, updateTime: now };
      const secret = user ? this.secrets.sealJson({ password: user.password }, `esr:${lcmId}`) : null;
      const rec = { id: lcmId, tenantId: null, name: 'local', doc: lcmDoc, secret };
      if (lcm) await updateEsr(tx, 'applcm', rec);
      else await insertEsr(tx, 'applcm', rec);
      const host = (await listEsr(tx, 'host', null)).find((r) => r.doc.mechostName === 'local');
      const hostDoc = {
        mechostIp: ip, mechostName: 'local', city: 'local', address: 'this machine', vim: 'local', hwcapabilities: [], configUploadStatus: 'NotUploaded',
        applcmId: lcmId, applcmIp: ip, applcmPort: port, createTime: (host?.doc.createTime as string) ?? now, updateTime: now,
      };
      const hrec = { id: host?.id ?? randomUUID(), tenantId: null, name: 'local', doc: hostDoc, hostIp: ip, applcmId: lcmId };
      // Not a placement candidate: this machine is in the inventory already, as the default VIM.
      if (host) await updateEsr(tx, 'host', hrec);
      else await insertEsr(tx, 'host', hrec);
    });
  }
}
