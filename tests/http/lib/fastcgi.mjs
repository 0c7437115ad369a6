// SPDX-License-Identifier: AGPL-3.0-or-later
// A minimal FastCGI client (responder role, one request per connection), to
// talk to a `concerto serve` that has no nginx in front of it: a serve a test
// starts on a socket of its own. Node 18: only built-in modules.

import net from 'node:net';

const VERSION = 1;
const BEGIN_REQUEST = 1;
const END_REQUEST = 3;
const PARAMS = 4;
const STDIN = 5;
const STDOUT = 6;
const RESPONDER = 1;

function record(type, content) {
  const head = Buffer.alloc(8);
  head.writeUInt8(VERSION, 0);
  head.writeUInt8(type, 1);
  head.writeUInt16BE(1, 2); // request id
  head.writeUInt16BE(content.length, 4);
  return Buffer.concat([head, content]);
}

function nameValue(name, value) {
  const n = Buffer.from(name);
  const v = Buffer.from(value);
  const len = (x) => (x.length < 128 ? Buffer.from([x.length]) : Buffer.from([
    0x80 | (x.length >>> 24), (x.length >>> 16) & 0xff, (x.length >>> 8) & 0xff, x.length & 0xff]));
  return Buffer.concat([len(n), len(v), n, v]);
}

// GET path on the FastCGI socket at socketPath, as nginx would send it from
// 127.0.0.1. Resolves to { status, headers (lower-case names), body }; rejects
// on a connection error or after ms.
export function fastcgiGet(socketPath, path, ms = 5000) {
  const params = {
    GATEWAY_INTERFACE: 'CGI/1.1', REQUEST_METHOD: 'GET', REQUEST_URI: path, DOCUMENT_URI: path.split('?')[0],
    SCRIPT_NAME: path.split('?')[0], QUERY_STRING: path.split('?')[1] || '', CONTENT_TYPE: '', CONTENT_LENGTH: '',
    SERVER_PROTOCOL: 'HTTP/1.1', REQUEST_SCHEME: 'http', REMOTE_ADDR: '127.0.0.1', REMOTE_PORT: '40000',
    SERVER_ADDR: '127.0.0.1', SERVER_PORT: '80', SERVER_NAME: 'localhost', HTTP_HOST: 'localhost',
  };
  const begin = Buffer.from([0, RESPONDER, 0, 0, 0, 0, 0, 0]);
  const body = Buffer.concat(Object.entries(params).map(([k, v]) => nameValue(k, v)));
  return new Promise((resolve, reject) => {
    const c = net.connect(socketPath);
    const chunks = [];
    let out = Buffer.alloc(0);
    let ended = false;
    const timer = setTimeout(() => { c.destroy(); reject(new Error(`FastCGI ${path}: no answer within ${ms} ms`)); }, ms);
    c.on('connect', () => {
      c.write(Buffer.concat([record(BEGIN_REQUEST, begin), record(PARAMS, body), record(PARAMS, Buffer.alloc(0)),
        record(STDIN, Buffer.alloc(0))]));
    });
    c.on('data', (b) => {
      chunks.push(b);
      let buf = Buffer.concat(chunks);
      while (buf.length >= 8) {
        const len = buf.readUInt16BE(4);
        const pad = buf.readUInt8(6);
        if (buf.length < 8 + len + pad) break;
        const type = buf.readUInt8(1);
        if (type === STDOUT) out = Buffer.concat([out, buf.subarray(8, 8 + len)]);
        if (type === END_REQUEST) ended = true;
        buf = buf.subarray(8 + len + pad);
      }
      chunks.length = 0;
      chunks.push(buf);
      if (ended) c.end();
    });
    c.on('error', (e) => { clearTimeout(timer); reject(e); });
    c.on('close', () => {
      clearTimeout(timer);
      if (!ended) { reject(new Error(`FastCGI ${path}: connection closed before the end of the request`)); return; }
      const text = out.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      const headers = {};
      for (const line of head.split('\r\n')) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      const status = Number((headers.status || '200').split(' ')[0]);
      resolve({ status, headers, body: split < 0 ? '' : Buffer.from(text.slice(split + 4), 'latin1').toString('utf8') });
    });
  });
}
