import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULTS, httpOrigin, resolveOptions, socketUrl } from '../js/live/options.js';

const page = { href: 'https://hub.example:8443/dashboard/?x=1' };

test('the socket URL follows the page: wss for https, same host, /ws', () => {
  assert.equal(socketUrl(null, page, null), 'wss://hub.example:8443/ws');
  assert.equal(socketUrl(null, { href: 'http://localhost:8080/' }, null), 'ws://localhost:8080/ws');
});

test('the token goes in the query, and only when there is one', () => {
  assert.equal(socketUrl('/ws', page, 'a.b.c'), 'wss://hub.example:8443/ws?token=a.b.c');
  assert.equal(socketUrl('ws://other:9000/ws', null, ''), 'ws://other:9000/ws');
});

test('the REST origin is the socket origin over http', () => {
  assert.equal(httpOrigin('wss://hub.example/ws', null), 'https://hub.example');
  assert.equal(httpOrigin(null, { href: 'http://localhost:8080/admin/' }), 'http://localhost:8080');
});

test('an undefined option keeps its default, a given one wins', () => {
  const o = resolveOptions({ url: 'ws://h/ws', pingInterval: undefined, pongTimeout: 3000 });
  assert.equal(o.pingInterval, DEFAULTS.pingInterval);
  assert.equal(o.pongTimeout, 3000);
  assert.ok(Object.isFrozen(DEFAULTS));
});

test('without a page the URL is required, and a token is a string or a function', () => {
  assert.throws(() => resolveOptions({ location: null }), /url is required/);
  assert.throws(() => resolveOptions({ url: 'ws://h/ws', token: 42 }), /token must be/);
});
