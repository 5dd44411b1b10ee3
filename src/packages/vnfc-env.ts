// The environment a VNFC process gets from the local driver (docs/packages.md "VDU artifact
// convention"). Defined here, next to the package model, so the driver and the sample programs
// agree on one spelling.

export interface VnfcEnvInput {
  instanceId: string;
  vnfcId: string;
  vduId: string;
  /** Port the VNFC must listen on. */
  httpPort: number;
  /** Address to bind: 0.0.0.0 in a network namespace, 127.0.0.1 without namespaces. */
  listenIp: string;
  /** One entry per connection point of the VNFC. */
  cps: { cpdId: string; ip: string | null; iface: string | null }[];
  /** InstantiateVnfRequest.additionalParams. */
  params: Record<string, unknown>;
}

/** MECANO_CP_<cpdId upper-cased, every non-alphanumeric character → _>_IP / _IFACE. */
export function cpEnvPrefix(cpdId: string): string {
  return `MECANO_CP_${cpdId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function vnfcEnvironment(v: VnfcEnvInput): Record<string, string> {
  const env: Record<string, string> = {
    MECANO_INSTANCE_ID: v.instanceId,
    MECANO_VNFC_ID: v.vnfcId,
    MECANO_VDU_ID: v.vduId,
    MECANO_HTTP_PORT: String(v.httpPort),
    MECANO_LISTEN_IP: v.listenIp,
    MECANO_PARAMS: JSON.stringify(v.params ?? {}),
  };
  for (const cp of v.cps) {
    const p = cpEnvPrefix(cp.cpdId);
    if (cp.ip !== null) env[`${p}_IP`] = cp.ip;
    if (cp.iface !== null) env[`${p}_IFACE`] = cp.iface;
  }
  return env;
}
