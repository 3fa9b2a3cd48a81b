// MCP 2026-07-28 request metadata on its own: the Base64 sentinel of Mcp-Name, and which disagreement between the
// mirrored headers and the body is reported first.
import { describe, expect, it } from 'vitest';
import { decodeHeaderValue, headerMismatch, type StandardHeaders } from '../../resource/mcp/request-metadata.ts';

describe('Mcp-Name value encoding', () => {
  it.each([
    ['plain visible ASCII as is', 'get_weather', 'get_weather'],
    ['a Base64 sentinel decoded as UTF-8', '=?base64?SGVsbG8sIOS4lueVjA==?=', 'Hello, 世界'],
    ['a literal that looks like a sentinel, encoded', '=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=', '=?base64?literal?='],
    [
      'an upper-case sentinel as plain ASCII (the markers are case-sensitive)',
      '=?BASE64?d2hvYW1p?=',
      '=?BASE64?d2hvYW1p?=',
    ],
  ])('reads %s', (_name, header, expected) => {
    expect(decodeHeaderValue(header)).toBe(expected);
  });

  it.each([
    ['a control character', 'who\u0001ami'],
    ['a non-ASCII character sent raw', 'wh\u00f6ami'],
    ['Base64 of invalid UTF-8', '=?base64?/w==?='],
    ['a truncated sentinel', '=?base64?d2hvYW1p'],
    ['Base64 with a bad length', '=?base64?d2hvYW1?='],
  ])('refuses %s', (_name, header) => {
    expect(decodeHeaderValue(header)).toBeUndefined();
  });
});

describe('header/body agreement', () => {
  const agreeing: StandardHeaders = { protocolVersion: '2026-07-28', method: 'tools/call', name: 'whoami' };
  const params = { name: 'whoami' };

  it('accepts headers that mirror the body', () => {
    expect(headerMismatch(agreeing, '2026-07-28', 'tools/call', params)).toBeUndefined();
    expect(
      headerMismatch({ ...agreeing, method: 'tools/list', name: undefined }, '2026-07-28', 'tools/list', undefined),
    ).toBeUndefined();
  });

  it.each([
    [{ protocolVersion: undefined }, /MCP-Protocol-Version header is missing/],
    [{ protocolVersion: '2025-11-25' }, /names 2025-11-25/],
    [{ method: undefined }, /Mcp-Method header is missing/],
    [{ method: 'tools/list' }, /Mcp-Method header names tools\/list/],
    [{ name: undefined }, /Mcp-Name header is missing/],
    [{ name: 'admin_audit' }, /names admin_audit but the body names whoami/],
  ])('reports %j', (change, message) => {
    expect(headerMismatch({ ...agreeing, ...change }, '2026-07-28', 'tools/call', params)).toMatch(message);
  });

  it('takes the uri of resources/read and the name of prompts/get', () => {
    const read = { protocolVersion: '2026-07-28', method: 'resources/read', name: 'file:///a' };
    expect(headerMismatch(read, '2026-07-28', 'resources/read', { uri: 'file:///b' })).toMatch(/file:\/\/\/b/);
    const prompt = { protocolVersion: '2026-07-28', method: 'prompts/get', name: 'p' };
    expect(headerMismatch(prompt, '2026-07-28', 'prompts/get', { name: 'p' })).toBeUndefined();
  });
});
