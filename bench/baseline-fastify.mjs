// The framework's floor: Fastify (the HTTP framework open2fa is built on) with one POST route
// answering the same JSON body as baseline-server.mjs, with Fastify's own JSON body parser and no
// logger. What open2fa spends beyond this is its own work: auth, validation, PINs, storage.
// Started by bench/api.ts in its own process, exactly like open2fa and the node:http ceiling.
import Fastify from 'fastify';

const body = { pinId: '9C817C6F8AF3D48F9FE553282AFA2B67', to: '41793026727', callStatus: 'PROCESSING' };
const app = Fastify();
app.post('/', async () => body);
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`listening on http://127.0.0.1:${app.server.address().port}`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
