import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { buildSample, SAMPLES_DIR } from '../../../scripts/build-samples.js';
import { processPackage, type ProcessedPackage } from '../../../src/packages/index.js';

// Each sample package builds and parses to the model the lifecycle engine relies on.

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
let out: string;
const built: Record<string, ProcessedPackage> = {};

before(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'mecano-samples-'));
  for (const n of ['single-vdu', 'two-vdu', 'two-vdu-v2', 'tacker-layout', 'failing']) {
    built[n] = await processPackage(await buildSample(n, out));
  }
});
after(() => rm(out, { recursive: true, force: true }));

describe('sample packages', () => {
  it('single-vdu: one VDU with an executable image, an external CP, one level', async () => {
    const p = built['single-vdu'];
    assert.equal(p.layout.kind, 'root-yaml');
    assert.equal(p.entryDefinitions, 'single_vdu.yaml');
    assert.deepEqual(p.meta, {
      vnfdId: '4a8a1c0e-5b3e-4d52-9e34-7f4d1b2c9a01', vnfProvider: 'mecano', vnfProductName: 'Sample single-VDU VNF', vnfSoftwareVersion: '1.0', vnfdVersion: '1.0',
    });
    assert.deepEqual(p.vnfd.builtinImports, []);
    const f = p.vnfd.flavours.simple;
    assert.deepEqual(Object.keys(f.vdus), ['VDU1']);
    const vdu = f.vdus.VDU1;
    assert.deepEqual(vdu.vduProfile, { minNumberOfInstances: 1, maxNumberOfInstances: 3 });
    assert.equal(vdu.virtualCompute?.numVirtualCpu, 1);
    assert.equal(vdu.virtualCompute?.virtualMemSizeMb, 128);
    const program = await readFile(path.join(SAMPLES_DIR, 'single-vdu/Files/images/vnfc-server.mjs'));
    assert.equal(vdu.swImage?.artifactPath, 'Files/images/vnfc-server.mjs');
    assert.equal(vdu.swImage?.kind, 'executable');
    assert.deepEqual(vdu.swImage?.checksum, { algorithm: 'SHA-256', hash: sha256(program) });
    assert.equal(vdu.swImage?.sizeBytes, program.length);
    assert.deepEqual(Object.keys(f.extCps), ['VDU1_CP1']);
    assert.equal(f.extCps.VDU1_CP1.source, 'VduCp');
    assert.equal(f.defaultInstantiationLevelId, 'instantiation_level_1');
    assert.deepEqual(f.instantiationLevels.instantiation_level_1.vduLevels, { VDU1: 1 });
    assert.deepEqual(p.softwareImages.map((i) => [i.id, i.imagePath, i.containerFormat, i.diskFormat, i.size]), [['VDU1', 'Files/images/vnfc-server.mjs', 'BARE', 'RAW', program.length]]);
    assert.deepEqual(p.additionalArtifacts, []);
    assert.equal(p.report.passed, true);
    assert.ok(p.report.checks.every((c) => c.result !== 'FAIL'));
  });

  it('two-vdu: internal VL with subnet, external CP, scaling aspect, two levels', () => {
    const f = built['two-vdu'].vnfd.flavours.simple;
    assert.deepEqual(Object.keys(f.vdus).sort(), ['VDU1', 'VDU2']);
    assert.deepEqual(f.vdus.VDU2.vduProfile, { minNumberOfInstances: 1, maxNumberOfInstances: 3 });
    assert.equal(f.vdus.VDU2.virtualCompute?.numVirtualCpu, 2);
    assert.deepEqual(
      Object.values(f.vduCps).map((c) => [c.id, c.vduId, c.virtualLinkId]).sort(),
      [['VDU1_CP1', 'VDU1', null], ['VDU1_CP2', 'VDU1', 'internalVL1'], ['VDU2_CP1', 'VDU2', 'internalVL1']],
    );
    assert.deepEqual(Object.keys(f.extCps), ['VDU1_CP1']);
    assert.equal(f.extCps.VDU1_CP1.requirement, 'virtual_link_external');
    const vl = f.virtualLinks.internalVL1;
    assert.deepEqual(vl.layerProtocols, ['ipv4']);
    assert.deepEqual(vl.protocols[0].l3ProtocolData, { name: null, ipVersion: 'ipv4', cidr: '10.251.0.0/24', gatewayIp: null, dhcpEnabled: null, ipAllocationPools: [] });
    assert.deepEqual(f.scalingAspects.VDU2_scale, { id: 'VDU2_scale', name: 'VDU2_scale', description: 'Back-end VNFCs', maxScaleLevel: 2, stepDeltas: ['delta_1'] });
    assert.deepEqual(f.vduScalingAspectDeltas, { VDU2_scale: { delta_1: { VDU2: 1 } } });
    assert.equal(f.defaultInstantiationLevelId, 'instantiation_level_1');
    assert.deepEqual(f.instantiationLevels.instantiation_level_1.vduLevels, { VDU1: 1, VDU2: 1 });
    assert.deepEqual(f.instantiationLevels.instantiation_level_2.vduLevels, { VDU1: 1, VDU2: 2 });
    assert.deepEqual(f.instantiationLevels.instantiation_level_2.scaleInfo, { VDU2_scale: 1 });
    assert.deepEqual(Object.keys(f.instantiationLevels.instantiation_level_1.virtualLinkLevels), ['internalVL1']);
    // Both VDUs share the image through a YAML anchor; SOL005 lists one image per VDU.
    assert.deepEqual(built['two-vdu'].softwareImages.map((i) => i.id), ['VDU1', 'VDU2']);
  });

  it('two-vdu-v2: same product and provider, another descriptor id and software version', () => {
    const a = built['two-vdu'].meta;
    const b = built['two-vdu-v2'].meta;
    assert.equal(b.vnfProvider, a.vnfProvider);
    assert.equal(b.vnfProductName, a.vnfProductName);
    assert.notEqual(b.vnfdId, a.vnfdId);
    assert.equal(b.vnfSoftwareVersion, '2.0');
    assert.deepEqual(Object.keys(built['two-vdu-v2'].vnfd.flavours.simple.vdus).sort(), ['VDU1', 'VDU2']);
  });

  it('tacker-layout: TOSCA.meta, shipped ETSI type files, top + flavour files, Vnflcm hooks', () => {
    const p = built['tacker-layout'];
    assert.equal(p.layout.kind, 'tosca-meta');
    assert.equal(p.toscaMeta?.entryManifest, 'tacker_layout.mf');
    assert.deepEqual(p.vnfd.files, [
      'Definitions/tacker_layout_top.vnfd.yaml',
      'Definitions/etsi_nfv_sol001_common_types.yaml',
      'Definitions/etsi_nfv_sol001_vnfd_types.yaml',
      'Definitions/tacker_layout_types.yaml',
      'Definitions/tacker_layout_df_simple.yaml',
    ]);
    assert.deepEqual(p.vnfd.builtinImports, []);
    assert.equal(p.vnfd.vnfNodeType, 'mecano.samples.TackerLayoutVNF');
    assert.equal(p.vnfd.descriptorId, '7f3c2b1a-9d8e-4c5f-b6a7-2e1d0c9b8a05');
    assert.deepEqual(p.vnfd.vnfmInfo, ['mecano']);
    const f = p.vnfd.flavours.simple;
    assert.equal(f.file, 'Definitions/tacker_layout_df_simple.yaml');
    assert.equal(f.description, 'A simple flavour');
    assert.equal(f.vdus.VDU1.swImage?.artifactPath, 'Files/images/vnfc-server.mjs');
    assert.equal(f.virtualLinks.internalVL1.protocols[0].l3ProtocolData?.gatewayIp, '10.252.0.1');
    assert.equal(f.extCps.VDU1_CP1.requirement, 'virtual_link_external1_1');
    assert.deepEqual(f.vduInitialDeltas, { VDU1: 1 });
    assert.deepEqual(f.lcmOperations.instantiate_end, { implementation: 'lcm-hook', artifactPath: 'Scripts/lcm_hook.sh', artifactType: 'tosca.artifacts.Implementation.Bash', inputs: {} });
    assert.deepEqual(
      p.additionalArtifacts.map((a) => [a.artifactPath, a.artifactClassification ?? null, a.nonManoArtifactSetId ?? null]),
      [['ChangeLog.txt', 'HISTORY', null], ['Files/docs/README.txt', null, 'onap_others'], ['Licenses/LICENSE.txt', 'LICENSE', null], ['Scripts/lcm_hook.sh', null, null]],
    );
    assert.equal(p.manifest?.metadata.vnf_package_version, '1.0');
  });

  it('failing: its VDU image is the exit-3 program', () => {
    const img = built.failing.vnfd.flavours.simple.vdus.VDU1.swImage;
    assert.equal(img?.artifactPath, 'Files/images/vnfc-fail.mjs');
    assert.equal(img?.kind, 'executable');
  });

  it('builds reproducibly', async () => {
    const a = await readFile(await buildSample('two-vdu', out, { fileName: 'a.csar' }));
    const b = await readFile(await buildSample('two-vdu', out, { fileName: 'b.csar' }));
    assert.ok(a.equals(b));
  });
});
