import type { VnfPkgDoc } from '../../store/vnf-packages.js';

// VnfPkgInfo representation: the stored document plus _links (SOL005 9.5.2.5).

export function pkgLinks(base: string, id: string, onboarded: boolean) {
  const self = `${base}/vnfpkgm/v1/vnf_packages/${id}`;
  const links: Record<string, { href: string }> = { self: { href: self }, packageContent: { href: `${self}/package_content` } };
  if (onboarded) links.vnfd = { href: `${self}/vnfd` };
  return links;
}

export function vnfPkgInfo(base: string, doc: Partial<VnfPkgDoc> & { id?: string }) {
  const id = doc.id as string;
  return { ...doc, _links: pkgLinks(base, id, doc.onboardingState === 'ONBOARDED') };
}
