// The ceiling: a bare node:http server answering a JSON body the size of open2fa's send answer.
// Started by bench/api.ts in its own process, exactly like open2fa, so both get one core.
import { createServer } from 'node:http';

const body = JSON.stringify({ pinId: '9C817C6F8AF3D48F9FE553282AFA2B67', to: '41793026727', callStatus: 'PROCESSING' });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
