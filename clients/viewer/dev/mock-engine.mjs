// Development stand-in for the engine and the ws-proxy, so the pages can be worked on and
// looked at without the stack: serves the built site, a fake /api/v1, and a WebSocket
// endpoint speaking just enough RFB (security None, one raw frame) for noVNC to draw a screen.
// Loopback only. Not part of the jar. Usage: npm run build && npm run mock [-- PORT]
// PORTHOLE_MOCK_USER=admin (default) | alice | nobody picks the signed-in user.
//
// VMs: "demo" (draws a screen), "reject-token" (closes with 4001), "stopped" (shut off),
// "exposed" (running, graphics exposed), "broken" (console POST answers 503), "held" (held by
// bob: 409 → takeover prompt, or 403 without console.takeover), "taken-over" (closes with 4009
// after 5 s), "revoked" (closes with 4003 after 5 s), "view-only" (alice may only view).
// An ACL filter subject starting with "slow" answers after 2 s (to watch stale answers dropped).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mockAcls, mockAudit, mockPermissions, mockTags, mockUser } from './mock-data.mjs';

const port = Number(process.argv[2] ?? 8090);
const site = join(dirname(fileURLToPath(import.meta.url)), '..', 'target', 'classes', 'META-INF', 'resources');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.map': 'application/json', '.txt': 'text/plain' };
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const WIDTH = 640;
const HEIGHT = 400;
const FINAL_CLOSE_AFTER_MS = 5000;

const vms = [
  vm('11111111-1111-4111-8111-111111111111', 'demo', 'running', true, false),
  vm('22222222-2222-4222-8222-222222222222', 'reject-token', 'running', true, false),
  vm('33333333-3333-4333-8333-333333333333', 'stopped', 'shutoff', true, false),
  vm('44444444-4444-4444-8444-444444444444', 'exposed', 'running', true, true),
  vm('55555555-5555-4555-8555-555555555555', 'broken', 'running', true, false),
  vm('66666666-6666-4666-8666-666666666666', 'held', 'running', true, false),
  vm('77777777-7777-4777-8777-777777777777', 'taken-over', 'running', true, false),
  vm('88888888-8888-4888-8888-888888888888', 'revoked', 'running', true, false),
  vm('99999999-9999-4999-8999-999999999999', 'view-only', 'running', true, false),
];
const user = mockUser(process.env.PORTHOLE_MOCK_USER ?? 'admin');
const acls = mockAcls(vms);
const tags = mockTags(vms);
const audit = mockAudit(vms);
const tickets = new Map();
let nextAclId = 1000;

function vm(id, name, state, passwordCapable, exposed) {
  return { id, name, state, hostId: 'localhost:9443', hostOnline: true, graphics: { type: 'vnc', exposed, passwordCapable } };
}

function permissionsOn(found) {
  return mockPermissions(user, found.name);
}

function json(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

async function readBody(req) {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 64 * 1024) {
      return null;
    }
  }
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return null;
  }
}

function record(kind, fields) {
  audit.unshift({ id: audit.length + 1, kind, occurredAt: new Date().toISOString(), actor: user.name,
    clientAddress: '127.0.0.1', vmUuid: null, sessionId: null, reason: null, detail: null, ...fields });
}

const isAdmin = () => user.admin;

async function api(req, res, url) {
  const path = url.pathname;
  const origin = req.headers.origin;
  if (req.method !== 'GET' && origin && origin !== `http://${req.headers.host}`) {
    return json(res, 403, { status: 'ORIGIN_REJECTED', message: 'Cross-origin requests are refused.' });
  }
  if (req.method === 'GET' && path === '/api/v1/me') {
    return json(res, 200, user);
  }
  if (req.method === 'GET' && path === '/api/v1/ui') {
    // The footer: one good service link and one the page must refuse to link.
    return json(res, 200, {
      engine: { health: 'http://127.0.0.1:9180/q/health', metrics: 'http://127.0.0.1:9180/metrics' },
      serviceLinks: [
        { label: 'ws-proxy health', url: 'http://127.0.0.1:9181/q/health' },
        { label: 'never linked', url: 'javascript:alert(1)' },
      ],
    });
  }
  if (req.method === 'GET' && path === '/api/v1/vms') {
    return json(res, 200, vms.map((v) => ({ ...v, permissions: permissionsOn(v) })).filter((v) => v.permissions.length));
  }
  if (path === '/api/v1/acls' || path.startsWith('/api/v1/acls/')) {
    return aclApi(req, res, url);
  }
  if (req.method === 'GET' && path === '/api/v1/audit') {
    return auditApi(res, url);
  }
  const match = path.match(/^\/api\/v1\/vms\/([^/]+)(\/consoles|\/tags(?:\/([^/]+))?)?$/);
  const found = match && vms.find((v) => v.id === decodeURIComponent(match[1]) && permissionsOn(v).length);
  if (!found) {
    return json(res, 404, { status: 'NOT_FOUND', message: 'No such VM.' });
  }
  if (!match[2]) {
    return json(res, 200, { ...found, permissions: permissionsOn(found) });
  }
  if (match[2].startsWith('/tags')) {
    return tagApi(req, res, found, match[3] === undefined ? undefined : decodeURIComponent(match[3]));
  }
  return consoleApi(req, res, found);
}

async function consoleApi(req, res, found) {
  const body = await readBody(req);
  if (req.method !== 'POST' || body === null || !['interactive', 'view', undefined].includes(body.mode)) {
    return json(res, 400, { status: 'BAD_REQUEST', message: 'Expected {mode: "interactive"|"view", takeover?: boolean}.' });
  }
  const needed = body.mode === 'view' ? 'console.view' : 'console.connect';
  const held = permissionsOn(found);
  if (!held.includes(needed)) {
    record('TICKET_REFUSED', { vmUuid: found.id, reason: `${needed} missing` });
    return json(res, 403, { status: 'FORBIDDEN', message: `${needed} is required on VM ${found.name}` });
  }
  if (found.name === 'broken') {
    return json(res, 503, { status: 'UPSTREAM_UNAVAILABLE', message: 'Host agent localhost:9443 is unreachable.' });
  }
  if (found.state !== 'running') {
    return json(res, 409, { status: 'CONFLICT', message: `VM ${found.name} is not running.` });
  }
  if (found.name === 'held' && body.takeover !== true) {
    return held.includes('console.takeover')
      ? json(res, 409, { status: 'CONFLICT', message: `the console of VM ${found.id} is held by bob; ask again with "takeover": true to end their console` })
      : json(res, 403, { status: 'FORBIDDEN', message: `console.takeover is required on VM ${found.id}: its console is held by bob` });
  }
  const token = ['h', 'p', 's'].map(() => randomBytes(24).toString('base64url')).join('.');
  const sessionId = randomUUID();
  tickets.set(token, found);
  record(body.takeover ? 'TAKEOVER' : 'TICKET_ISSUED', { vmUuid: found.id, sessionId, detail: { mode: body.mode ?? 'interactive' } });
  return json(res, 201, {
    sessionId, vmId: found.id, token, reconnectWindowSeconds: 120,
    proxyUrl: `ws://127.0.0.1:${port}/v1/console`, expiresAt: new Date(Date.now() + 120_000).toISOString(),
  });
}

async function aclApi(req, res, url) {
  if (!isAdmin()) {
    return json(res, 403, { status: 'FORBIDDEN', message: 'admin is required' });
  }
  if (req.method === 'GET' && url.pathname === '/api/v1/acls') {
    const vmFilter = url.searchParams.get('vm');
    const subject = url.searchParams.get('subject');
    if (subject?.startsWith('slow')) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    return json(res, 200, acls.filter((a) => (!vmFilter || a.object === vmFilter) && (!subject || a.subject.includes(subject.replace(/^slow/, '')))));
  }
  if (req.method === 'POST' && url.pathname === '/api/v1/acls') {
    const body = await readBody(req);
    if (!body || !['user', 'group'].includes(body.subjectKind) || !body.subject || !['vm', 'tag'].includes(body.objectKind) || !body.object
      || !['console.view', 'console.connect', 'console.takeover', 'console.sso', 'admin'].includes(body.permission)) {
      return json(res, 400, { status: 'BAD_REQUEST', message: 'subjectKind, subject, objectKind, object and permission are required.' });
    }
    const row = { id: nextAclId++, ...body, createdBy: user.name, createdAt: new Date().toISOString() };
    acls.push(row);
    record('ACL_ADDED', { detail: row });
    return json(res, 201, row);
  }
  const id = Number(url.pathname.slice('/api/v1/acls/'.length));
  const index = acls.findIndex((a) => a.id === id);
  if (req.method !== 'DELETE' || index < 0) {
    return json(res, 404, { status: 'NOT_FOUND', message: 'No such ACL entry.' });
  }
  record('ACL_REMOVED', { detail: acls.splice(index, 1)[0] });
  return json(res, 204);
}

function tagApi(req, res, found, tag) {
  const set = tags.get(found.id);
  if (req.method === 'GET' && tag === undefined) {
    return json(res, 200, [...set]);
  }
  if (!isAdmin()) {
    return json(res, 403, { status: 'FORBIDDEN', message: `admin is required on VM ${found.name}` });
  }
  if (req.method === 'PUT' && tag) {
    set.add(tag);
    return json(res, 204);
  }
  if (req.method === 'DELETE' && tag) {
    set.delete(tag);
    return json(res, 204);
  }
  return json(res, 400, { status: 'BAD_REQUEST', message: 'PUT or DELETE /vms/{id}/tags/{tag}.' });
}

function auditApi(res, url) {
  if (!isAdmin()) {
    return json(res, 403, { status: 'FORBIDDEN', message: 'admin is required' });
  }
  const q = url.searchParams;
  const from = q.get('from') ? Date.parse(q.get('from')) : -Infinity;
  const to = q.get('to') ? Date.parse(q.get('to')) : Infinity;
  const limit = Math.min(Number(q.get('limit') ?? 100) || 100, 1000);
  const before = q.get('before') ? Number(q.get('before')) : Infinity;
  const names = new Map(vms.map((vm) => [vm.id, vm.name]));
  return json(res, 200, audit.filter((e) => (!q.get('user') || e.actor === q.get('user'))
    && (!q.get('vm') || e.vmUuid === q.get('vm')) && (!q.get('session') || e.sessionId === q.get('session'))
    && e.id < before && Date.parse(e.occurredAt) >= from && Date.parse(e.occurredAt) <= to).slice(0, limit)
    .map((e) => ({ ...e, vmName: names.get(e.vmUuid) ?? null })));
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const path = url.pathname;
  if (path.startsWith('/api/')) {
    return api(req, res, url);
  }
  if (path === '/logout') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    return res.end('Signed out of the mock engine. Open /index.html to sign in again.\n');
  }
  const file = normalize(join(site, path === '/' ? 'index.html' : path));
  if (!file.startsWith(site)) {
    return json(res, 400, { status: 'BAD_REQUEST', message: 'Bad path.' });
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    json(res, 404, { status: 'NOT_FOUND', message: 'No such file.' });
  }
});

server.on('upgrade', (req, socket) => {
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  const tokenProtocol = offered.find((p) => p.startsWith('porthole.token.'));
  const target = tokenProtocol && tickets.get(tokenProtocol.slice('porthole.token.'.length));
  console.log(`upgrade ${req.url} protocols=${offered.length} tokenInUrl=${[...tickets.keys()].some((t) => req.url.includes(t))} vm=${target?.name ?? 'none'}`);
  if (!offered.includes('binary')) {
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    return;
  }
  const accept = createHash('sha1').update(req.headers['sec-websocket-key'] + WS_GUID).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: binary\r\n\r\n`);
  if (!target || target.name === 'reject-token') {
    socket.end(closeFrame(4001, 'token rejected'));
    return;
  }
  tickets.delete(tokenProtocol.slice('porthole.token.'.length));
  serveRfb(socket);
  const final = { 'taken-over': [4009, 'the console was taken over by bob'], revoked: [4003, 'access revoked'] }[target.name];
  if (final) {
    setTimeout(() => socket.end(closeFrame(...final)), FINAL_CLOSE_AFTER_MS);
  }
});

function frame(opcode, payload) {
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x80 | opcode, length])
    : length < 65536 ? Buffer.from([0x80 | opcode, 126, length >> 8, length & 255])
      : Buffer.concat([Buffer.from([0x80 | opcode, 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(length)); return b; })()]);
  return Buffer.concat([header, payload]);
}

function closeFrame(code, reason) {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code);
  payload.write(reason, 2);
  return frame(0x8, payload);
}

// Minimal RFB 3.8 server: security type None (as the ws-proxy offers it: the host agent
// answers QEMU's challenge), one raw full-screen update per non-incremental request.
// Enough to prove noVNC draws into #screen.
function serveRfb(socket) {
  let wire = Buffer.alloc(0);
  let rfb = Buffer.alloc(0);
  let stage = 'version';
  let shifts = { r: 16, g: 8, b: 0 };
  const send = (bytes) => socket.write(frame(0x2, Buffer.from(bytes)));
  send(Buffer.from('RFB 003.008\n'));
  socket.on('error', () => {});
  socket.on('data', (chunk) => {
    wire = Buffer.concat([wire, chunk]);
    while (wire.length >= 2) {
      const opcode = wire[0] & 0x0f;
      let length = wire[1] & 0x7f;
      let offset = 2;
      if (length === 126) { length = wire.readUInt16BE(2); offset = 4; }
      if (length === 127) { length = Number(wire.readBigUInt64BE(2)); offset = 10; }
      if (wire.length < offset + 4 + length) return;
      const mask = wire.subarray(offset, offset + 4);
      const payload = Buffer.from(wire.subarray(offset + 4, offset + 4 + length)).map((b, i) => b ^ mask[i % 4]);
      wire = wire.subarray(offset + 4 + length);
      if (opcode === 0x8) { socket.end(closeFrame(1000, '')); return; }
      if (opcode === 0x2) rfb = Buffer.concat([rfb, payload]);
    }
    for (;;) {
      const need = { version: 12, type: 1, init: 1 }[stage] ?? messageLength(rfb);
      if (need === 0 || rfb.length < need) break;
      const message = rfb.subarray(0, need);
      rfb = rfb.subarray(need);
      if (stage === 'version') { send([1, 1]); stage = 'type'; }
      else if (stage === 'type') { send([0, 0, 0, 0]); stage = 'init'; }
      else if (stage === 'init') { send(serverInit()); stage = 'normal'; }
      else if (message[0] === 0) { shifts = { r: message[14], g: message[15], b: message[16] }; }
      else if (message[0] === 3 && message[1] === 0) { send(screen(shifts)); }
    }
  });
}

function messageLength(buffer) {
  if (buffer.length === 0) return 0;
  switch (buffer[0]) {
    case 0: return 20;
    case 2: return buffer.length < 4 ? 0 : 4 + 4 * buffer.readUInt16BE(2);
    case 3: return 10;
    case 4: return 8;
    case 5: return 6;
    case 6: return buffer.length < 8 ? 0 : 8 + buffer.readUInt32BE(4);
    default: return buffer.length; // unknown: drop what we have
  }
}

function serverInit() {
  const name = Buffer.from('mock demo');
  const b = Buffer.alloc(24 + name.length);
  b.writeUInt16BE(WIDTH, 0); b.writeUInt16BE(HEIGHT, 2);
  Buffer.from([32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0]).copy(b, 4);
  b.writeUInt32BE(name.length, 20); name.copy(b, 24);
  return b;
}

function screen(shifts) {
  const header = Buffer.alloc(16);
  header.writeUInt16BE(1, 2); header.writeUInt16BE(WIDTH, 8); header.writeUInt16BE(HEIGHT, 10);
  const pixels = Buffer.alloc(WIDTH * HEIGHT * 4);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const band = Math.floor(x / (WIDTH / 4));
      const [r, g, b] = [[200, 40, 40], [40, 160, 60], [50, 90, 210], [230, 230, 230]][band];
      const dim = y > HEIGHT * 0.75 ? 0.4 : 1;
      pixels.writeUInt32LE(((r * dim) << shifts.r) | ((g * dim) << shifts.g) | ((b * dim) << shifts.b), (y * WIDTH + x) * 4);
    }
  }
  return Buffer.concat([header, pixels]);
}

server.listen(port, '127.0.0.1', () => console.log(`mock engine on http://127.0.0.1:${port}/index.html`));
