import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildSample, sampleFile, type BuildOptions } from '../../../scripts/build-samples.js';
import { PackageError, processPackage } from '../../../src/packages/index.js';
import { tempDir } from '../../fixtures/packages/zips.js';

// VNFD semantics: Tacker-shaped packages parse; inconsistent VNFDs fail with the file, the YAML
// path and the line of the offending value.

const QUIRKS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/packages/tacker-quirks');

async function vnfdError(t: TestContext, sample: string, file: string, edit: (text: string) => string, opts: BuildOptions = {}): Promise<{ e: PackageError; text: string }> {
  const text = edit(await sampleFile(sample, file));
  const dir = await tempDir(t);
  try {
    await processPackage(await buildSample(sample, dir, { ...opts, overrides: { [file]: text } }));
  } catch (e) {
    assert.ok(e instanceof PackageError, String(e));
    return { e, text };
  }
  return assert.fail('the package was accepted');
}

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
const fail = (e: PackageError) => e.report.checks.find((c) => c.result === 'FAIL')!;

describe('VNFD parsing', () => {
  it('parses a Tacker-shaped package: absent ETSI files, two flavours, storage, group rules', async (t) => {
    const dir = await tempDir(t);
    const p = await processPackage(await buildSample('tacker-quirks', dir, { sourceDir: QUIRKS }));
    assert.equal(p.toscaMeta?.createdBy, 'Onboarding portal');
    assert.equal(p.manifest, null);
    assert.deepEqual(p.vnfd.builtinImports, ['etsi_nfv_sol001_common_types.yaml', 'etsi_nfv_sol001_vnfd_types.yaml']);
    assert.equal(p.vnfd.softwareVersion, '1.0', 'an unquoted 1.0 keeps its text');
    assert.equal(p.vnfd.descriptorVersion, '1.0');
    assert.deepEqual(Object.keys(p.vnfd.flavours).sort(), ['complex', 'simple']);
    assert.equal(p.vnfd.defaultFlavourId, 'simple');
    const s = p.vnfd.flavours.simple;
    assert.equal(s.vdus.VDU1.swImage?.artifactPath, null);
    assert.equal(s.vdus.VDU1.swImage?.kind, 'vm-image');
    assert.deepEqual(s.vdus.VDU1.swImage?.checksum?.algorithm, 'SHA-512');
    assert.equal(s.vdus.VDU1.virtualCompute?.virtualCpuClockMhz, 2000);
    assert.deepEqual(s.vdus.VDU1.virtualCompute?.virtualLocalStorageGb, [3]);
    assert.equal(s.vdus.VDU2.virtualCompute?.virtualMemSizeMb, 1073.741824);
    assert.deepEqual(s.vdus.VDU2.storageIds, ['VDU2-VirtualStorage']);
    const st = s.storages['VDU2-VirtualStorage'];
    assert.deepEqual([st.kind, st.sizeBytes, st.rdmaEnabled, st.swImage?.artifactPath, st.swImage?.kind], ['block', 1e9, true, 'Files/images/disk.img', 'vm-image']);
    assert.equal(s.virtualLinks.internalVL1.protocols[0].l3ProtocolData?.cidr, 'fd00:251::/64');
    assert.equal(s.vduCps.VDU2_CP1.protocol[0].addressData.length, 1);
    assert.deepEqual(s.placementRules, [{ id: 'policy_antiaffinity_group', type: 'ANTI_AFFINITY', targets: ['VDU1', 'VDU2'], scope: 'nfvi_node' }]);
    assert.deepEqual(s.vduScalingAspectDeltas.VDU2_scale, { delta_1: { VDU2: 1 } }, 'deltas of an undeclared aspect are kept');
    assert.deepEqual(s.instantiationLevels.instantiation_level_2.vduLevels, { VDU1: 3 });
    assert.equal(s.lcmOperations.instantiate.implementation, null);
    assert.equal(s.lcmOperations.instantiate_start.artifactPath, 'Scripts/sample_script.py');
    const c = p.vnfd.flavours.complex;
    assert.equal(c.description, 'Front end behind an external CP');
    assert.deepEqual(c.extCps.EXT_CP, { id: 'EXT_CP', source: 'VnfExtCp', internalVirtualLinkId: 'frontVL', vduCpId: null, requirement: 'virtual_link_external', layerProtocols: ['ipv4'], protocol: [] });
    assert.equal(c.vdus.VDU1.swImage, null);
    assert.deepEqual(p.softwareImages.map((i) => [i.id, i.imagePath, i.diskFormat]), [['VDU1', '', 'QCOW2'], ['VDU2-VirtualStorage', 'Files/images/disk.img', 'QCOW2']]);
    assert.deepEqual(p.additionalArtifacts.map((a) => a.artifactPath), ['README.md', 'Scripts/sample_script.py']);
  });

  it('a bad value names file, YAML path and line', async (t) => {
    const { e, text } = await vnfdError(t, 'single-vdu', 'single_vdu.yaml', (s) => s.replace('max_number_of_instances: 3', 'max_number_of_instances: three'));
    assert.equal(e.code, 'VNFD_INVALID');
    assert.equal(e.detail, 'single_vdu.yaml: topology_template.node_templates.VDU1.properties.vdu_profile.max_number_of_instances: must be an integer, got string "three"');
    assert.equal(fail(e).file, 'single_vdu.yaml');
    assert.equal(fail(e).line, lineOf(text, 'max_number_of_instances: three'));
  });

  it('a scalar size without unit', async (t) => {
    const { e } = await vnfdError(t, 'single-vdu', 'single_vdu.yaml', (s) => s.replace('virtual_mem_size: 128 MB', 'virtual_mem_size: 128'));
    assert.match(e.detail, /virtual_memory\.virtual_mem_size: must be a scalar-unit\.size such as '512 MB', got number 128$/);
  });

  it('a CP bound to an unknown VDU', async (t) => {
    const { e, text } = await vnfdError(t, 'two-vdu', 'two_vdu.yaml', (s) => s.replace('        - virtual_binding: VDU2', '        - virtual_binding: VDU9'));
    assert.equal(e.detail, 'two_vdu.yaml: topology_template.node_templates.VDU2_CP1.requirements[0].virtual_binding: VDU9 is not a Vdu.Compute of this flavour');
    assert.equal(fail(e).line, lineOf(text, 'virtual_binding: VDU9'));
  });

  it('a CP on an unknown virtual link', async (t) => {
    const { e } = await vnfdError(t, 'two-vdu', 'two_vdu.yaml', (s) => s.replace(/(VDU2\n        - virtual_link: )internalVL1/, '$1nowhere'));
    assert.match(e.detail, /VDU2_CP1\.requirements\[1\]\.virtual_link: nowhere is not a VnfVirtualLink of this flavour$/);
  });

  it('an instantiation level outside the vdu_profile', async (t) => {
    const { e } = await vnfdError(t, 'two-vdu', 'two_vdu.yaml', (s) => s.replace(/(instantiation_level_2:\n\s+number_of_instances: )2/, '$15'));
    assert.match(e.detail, /instantiation level instantiation_level_2 asks for 5 instances of VDU2, outside its vdu_profile 1\.\.3/);
  });

  it('a default level that is not a level', async (t) => {
    const { e } = await vnfdError(t, 'two-vdu', 'two_vdu.yaml', (s) => s.replace('default_level: instantiation_level_1', 'default_level: huge'));
    assert.match(e.detail, /policies\[2\]\.instantiation_levels\.properties\.default_level: huge is not one of the levels$/);
  });

  it('a scale level above max_scale_level', async (t) => {
    const { e } = await vnfdError(t, 'two-vdu', 'two_vdu.yaml', (s) => s.replace(/(scale_level: )1/, '$13'));
    assert.match(e.detail, /sets VDU2_scale to level 3, above its max_scale_level 2/);
  });

  it('an unknown node type', async (t) => {
    const { e } = await vnfdError(t, 'single-vdu', 'single_vdu.yaml', (s) => s.replace('type: tosca.nodes.nfv.VduCp', 'type: acme.nodes.Port'));
    assert.equal(e.detail, 'single_vdu.yaml: topology_template.node_templates.VDU1_CP1.type: node type acme.nodes.Port is not defined in the VNFD or its imports');
  });

  it('a software image artifact that is not in the package', async (t) => {
    const { e } = await vnfdError(t, 'single-vdu', 'single_vdu.yaml', (s) => s.replace('file: Files/images/vnfc-server.mjs', 'file: Files/images/missing.mjs'));
    assert.equal(e.code, 'SW_IMAGE_INVALID');
    assert.match(e.detail, /VDU1\.artifacts\.sw_image\.file: Files\/images\/missing\.mjs is not in the package/);
  });

  it('a sw_image_data checksum that does not match the artifact', async (t) => {
    const { e } = await vnfdError(t, 'single-vdu', 'single_vdu.yaml', (s) => s.replace("'@sha256(Files/images/vnfc-server.mjs)'", '0'.repeat(64)));
    assert.equal(e.code, 'SW_IMAGE_INVALID');
    assert.equal(fail(e).id, 'image.checksum:VDU1');
    assert.equal(fail(e).file, 'Files/images/vnfc-server.mjs');
  });

  it('a bad container format and a bad CIDR', async (t) => {
    let r = await vnfdError(t, 'single-vdu', 'single_vdu.yaml', (s) => s.replace('container_format: bare', 'container_format: zip'));
    assert.match(r.e.detail, /sw_image_data\.container_format: must be one of aki, ami, ari, bare, docker, ova, ovf, got "zip"$/);
    r = await vnfdError(t, 'two-vdu', 'two_vdu.yaml', (s) => s.replace('cidr: 10.251.0.0/24', 'cidr: 10.251.0.0/40'));
    assert.match(r.e.detail, /l3_protocol_data\.cidr: 10\.251\.0\.0\/40 is not an ipv4 CIDR$/);
  });

  it('a value outside the VNF type valid_values', async (t) => {
    const { e } = await vnfdError(t, 'tacker-layout', 'Definitions/tacker_layout_top.vnfd.yaml', (s) => s.replace('product_name: Sample Tacker-layout VNF', 'product_name: Renamed VNF'));
    assert.equal(e.detail, 'Definitions/tacker_layout_top.vnfd.yaml: topology_template.node_templates.VNF.properties.product_name: product_name "Renamed VNF" is not one of the valid_values ["Sample Tacker-layout VNF"] of the VNF node type');
  });

  it('VNF node templates that contradict each other', async (t) => {
    const { e } = await vnfdError(t, 'tacker-layout', 'Definitions/tacker_layout_df_simple.yaml', (s) => s.replace('        flavour_description: A simple flavour', '        flavour_description: A simple flavour\n        software_version: 9.9'));
    assert.match(e.detail, /^Definitions\/tacker_layout_df_simple\.yaml: topology_template\.node_templates\.VNF\.properties\.software_version: 9\.9 contradicts 1\.0 set in Definitions\/tacker_layout_top\.vnfd\.yaml$/);
  });

  it('VDUs without a flavour id', async (t) => {
    const { e } = await vnfdError(t, 'single-vdu', 'single_vdu.yaml', (s) => s.replace('      flavour_id: simple\n', '').replace('        flavour_id: simple\n', ''));
    assert.match(e.detail, /substitution_mappings\.properties\.flavour_id: is required: this template holds VDUs/);
  });

  it('a VNFD without a VNF node', async (t) => {
    const { e } = await vnfdError(t, 'single-vdu', 'single_vdu.yaml', (s) => s.replace(/  substitution_mappings:[\s\S]*?\n\n/, '').replace(/    VNF:\n[\s\S]*?\n\n/, ''));
    assert.match(e.detail, /has no node template derived from tosca\.nodes\.nfv\.VNF/);
  });
});
