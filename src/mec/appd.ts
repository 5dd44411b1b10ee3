import { detectLayout } from '../packages/csar/layout.js';
import { parseManifest } from '../packages/csar/manifest.js';
import { CsarArchive } from '../packages/csar/zip-reader.js';
import { resolveLimits } from '../packages/limits.js';
import { decodeUtf8, loadYaml } from '../packages/vnfd/yaml-load.js';
import { Unprocessable } from '../errors.js';
import { isIpAddress, type InvalidParam } from './validate.js';

// The MEC parts of an application descriptor (MEC 010-2 AppD as EdgeGallery packages carry it):
// `app_configuration` node template properties (services required and produced, traffic and
// DNS rules) and the manifest's app_* metadata. The TOSCA VNF part (VDUs, software image,
// virtual compute) is the package store's SOL001 model; this reads the same entry definitions.

export interface ServiceRequired {
  serName: string;
  version?: string;
  appId?: string;
  packageId?: string;
  requestedPermissions?: boolean;
}

export interface ServiceProduced {
  serName: string;
  version?: string;
  trafficRuleIdList?: string[];
  dnsRuleIdList?: string[];
}

export interface MecAppd {
  appName?: string;
  appProvider?: string;
  appVersion?: string;
  appType?: string;
  appClass?: string;
  appDescription?: string;
  appSupportMp1: boolean;
  appServiceRequired: ServiceRequired[];
  appServiceProduced: ServiceProduced[];
  appTrafficRule: Record<string, unknown>[];
  appDNSRule: Record<string, unknown>[];
}

const FILTER_TYPES = ['FLOW', 'PACKET'];
const ACTIONS = ['DROP', 'FORWARD_DECAPSULATED', 'FORWARD_AS_IS', 'PASSTHROUGH', 'DUPLICATED_DECAPSULATED', 'DUPLICATE_AS_IS'];
const IP_TYPES = ['IP_V4', 'IP_V6'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const optStr = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v));

/** The app_configuration node template (EdgeGallery: type tosca.nodes.nfv.app.configuration). */
function appConfiguration(root: unknown): Obj {
  const nodes = isObj(root) && isObj(root.topology_template) && isObj(root.topology_template.node_templates) ? root.topology_template.node_templates : {};
  for (const [name, n] of Object.entries(nodes)) {
    if (!isObj(n)) continue;
    if (name === 'app_configuration' || /app\.?configuration$/i.test(String(n.type ?? ''))) return isObj(n.properties) ? n.properties : {};
  }
  return {};
}

function checkRules(cfg: Obj, bad: InvalidParam[]): void {
  const traffic = list(cfg.appTrafficRule);
  if (traffic.length > 16) bad.push({ name: 'appTrafficRule', reason: 'must have at most 16 rules' });
  traffic.forEach((r, i) => {
    const at = `appTrafficRule[${i}]`;
    if (!isObj(r)) return void bad.push({ name: at, reason: 'must be an object' });
    if (typeof r.trafficRuleId !== 'string' || !r.trafficRuleId || r.trafficRuleId.length > 128) bad.push({ name: `${at}.trafficRuleId`, reason: 'is required (at most 128 characters)' });
    if (r.filterType !== undefined && !FILTER_TYPES.includes(String(r.filterType))) bad.push({ name: `${at}.filterType`, reason: `must be one of ${FILTER_TYPES.join(', ')}` });
    if (r.action !== undefined && !ACTIONS.includes(String(r.action))) bad.push({ name: `${at}.action`, reason: `must be one of ${ACTIONS.join(', ')}` });
    if (list(r.trafficFilter).length > 16) bad.push({ name: `${at}.trafficFilter`, reason: 'must have at most 16 filters' });
    if (list(r.dstInterface).length > 2) bad.push({ name: `${at}.dstInterface`, reason: 'must have at most 2 interfaces' });
  });
  const dns = list(cfg.appDNSRule);
  if (dns.length > 32) bad.push({ name: 'appDNSRule', reason: 'must have at most 32 rules' });
  dns.forEach((r, i) => {
    const at = `appDNSRule[${i}]`;
    if (!isObj(r)) return void bad.push({ name: at, reason: 'must be an object' });
    if (typeof r.dnsRuleId !== 'string' || !r.dnsRuleId) bad.push({ name: `${at}.dnsRuleId`, reason: 'is required' });
    if (typeof r.domainName !== 'string' || !r.domainName || r.domainName.length > 256) bad.push({ name: `${at}.domainName`, reason: 'is required (at most 256 characters)' });
    if (r.ipAddressType !== undefined && !IP_TYPES.includes(String(r.ipAddressType))) bad.push({ name: `${at}.ipAddressType`, reason: `must be one of ${IP_TYPES.join(', ')}` });
    if (typeof r.ipAddress !== 'string' || !isIpAddress(r.ipAddress)) bad.push({ name: `${at}.ipAddress`, reason: 'is required and must be an IP address' });
    if (r.ttl !== undefined && !(Number.isInteger(r.ttl) && (r.ttl as number) >= 0)) bad.push({ name: `${at}.ttl`, reason: 'must be a non-negative integer' });
  });
}

function services(cfg: Obj, bad: InvalidParam[]): { required: ServiceRequired[]; produced: ServiceProduced[] } {
  const required: ServiceRequired[] = [];
  list(cfg.appServiceRequired).forEach((s, i) => {
    if (!isObj(s) || typeof s.serName !== 'string' || !s.serName) return void bad.push({ name: `appServiceRequired[${i}].serName`, reason: 'is required' });
    for (const k of ['appId', 'packageId']) {
      if (s[k] !== undefined && !/^[0-9a-f]{32,64}$/.test(String(s[k]))) bad.push({ name: `appServiceRequired[${i}].${k}`, reason: 'must be 32 to 64 lowercase hexadecimal characters' });
    }
    required.push({ serName: s.serName, version: optStr(s.version), appId: optStr(s.appId), packageId: optStr(s.packageId), requestedPermissions: s.requestedPermissions === true });
  });
  const produced: ServiceProduced[] = [];
  list(cfg.appServiceProduced).forEach((s, i) => {
    if (!isObj(s) || typeof s.serName !== 'string' || !s.serName) return void bad.push({ name: `appServiceProduced[${i}].serName`, reason: 'is required' });
    produced.push({ serName: s.serName, version: optStr(s.version), trafficRuleIdList: list(s.trafficRuleIdList).map(String), dnsRuleIdList: list(s.dnsRuleIdList).map(String) });
  });
  return { required: required.map(stripUndefined), produced: produced.map(stripUndefined) };
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))) as T;
}

/** Reads and checks the MEC parts of an (already onboarded, so structurally valid) CSAR. */
export async function readMecAppd(csarPath: string): Promise<MecAppd> {
  const lim = resolveLimits();
  const csar = await CsarArchive.open(csarPath, lim);
  try {
    const layout = await detectLayout(csar, lim);
    const entry = loadYaml(layout.entryDefinitions, await csar.read(layout.entryDefinitions, lim.maxYamlBytes), { maxYamlBytes: lim.maxYamlBytes, maxYamlAliasCount: lim.maxYamlAliasCount });
    const meta = layout.manifestPath ? parseManifest(decodeUtf8(await csar.read(layout.manifestPath, lim.maxManifestBytes), layout.manifestPath), layout.manifestPath).metadata : {};
    const cfg = appConfiguration(entry.value);
    const bad: InvalidParam[] = [];
    checkRules(cfg, bad);
    const svc = services(cfg, bad);
    if (bad.length) {
      throw new Unprocessable(`The AppD's app_configuration is invalid: ${bad.map((b) => `${b.name} ${b.reason}`).join('; ')}.`, 'MEC_APPD_INVALID', { invalidParams: bad });
    }
    const out: MecAppd = stripUndefined({
      appName: optStr(cfg.appName) ?? meta.app_product_name,
      appProvider: meta.app_provider_id,
      appVersion: meta.app_package_version,
      appType: meta.app_type,
      appClass: meta.app_class,
      appDescription: meta.app_package_description,
      appSupportMp1: cfg.appSupportMp1 === true,
      appServiceRequired: svc.required,
      appServiceProduced: svc.produced,
      appTrafficRule: list(cfg.appTrafficRule) as Obj[],
      appDNSRule: list(cfg.appDNSRule) as Obj[],
    });
    out.appServiceRequired ??= [];
    out.appServiceProduced ??= [];
    out.appTrafficRule ??= [];
    out.appDNSRule ??= [];
    return out;
  } finally {
    csar.close();
  }
}
