import type { FastifyInstance } from 'fastify';
import type { Marketplace } from '../../packages/marketplace.js';
import type { BaseUrl } from '../common.js';
import { registerUploadParsers } from '../vnfpkgm/upload-body.js';
import { marketplaceRoutes } from './routes.js';

// The ONAP marketplace API (seed 004), mounted at both paths clients use: the seed's
// /onapapi/marketplace/v1 and VNF SDK's /onapapi/vnfsdk-marketplace/v1/PackageResource
// (reference B1). Same handlers, same packages.

export const MARKETPLACE_PREFIXES = ['/onapapi/marketplace/v1', '/onapapi/vnfsdk-marketplace/v1/PackageResource'] as const;

export interface MarketplaceDeps {
  marketplace: Marketplace;
  uploadLimit: number;
  baseUrl: BaseUrl;
}

export async function registerMarketplace(app: FastifyInstance, deps: MarketplaceDeps): Promise<void> {
  for (const prefix of MARKETPLACE_PREFIXES) {
    await app.register(
      async (scope) => {
        await registerUploadParsers(scope);
        marketplaceRoutes(scope, { ...deps, prefix });
      },
      { prefix },
    );
  }
}
