import Fastify from 'fastify';

// The HTTP floor: a bare Fastify route answering a small JSON document, measured in the same run
// as mecano's routes so that every figure can be read as a ratio of what the framework allows.
const app = Fastify({ logger: false });
app.get('/floor', async () => ({ id: '3f1f4a5c-7c55-4f0e-9f8e-2a0d7c2c1b11', onboardingState: 'ONBOARDED', operationalState: 'ENABLED', usageState: 'NOT_IN_USE' }));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`LISTENING ${address}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
