import { nextHop } from './redirects';

describe('nextHop', () => {
  const body = Buffer.from('x');
  const hop = {
    method: 'PUT' as const,
    url: new URL('https://registry.example/v2/a/blobs/uploads/1'),
    body,
  };

  it('keeps method and body on 307/308, resolving a relative Location', () => {
    expect(nextHop(hop, 307, '/elsewhere?x=1')).toEqual({
      method: 'PUT',
      url: new URL('https://registry.example/elsewhere?x=1'),
      body,
    });
    expect(nextHop(hop, 308, 'https://storage.example/b')?.body).toBe(body);
  });

  it('turns 303, and 301/302 after a POST, into a GET without body', () => {
    expect(nextHop(hop, 303, '/x')).toEqual({
      method: 'GET',
      url: new URL('https://registry.example/x'),
    });
    expect(nextHop({ ...hop, method: 'POST' }, 302, '/x')).toEqual({
      method: 'GET',
      url: new URL('https://registry.example/x'),
    });
    expect(nextHop({ ...hop, method: 'HEAD', body: undefined }, 303, '/x')?.method).toBe('HEAD');
    expect(nextHop({ ...hop, method: 'GET', body: undefined }, 302, '/x')?.method).toBe('GET');
  });

  it('refuses Locations that are not http(s)', () => {
    expect(nextHop(hop, 307, 'file:///etc/passwd')).toBeUndefined();
    expect(nextHop(hop, 307, 'http://[bad')).toBeUndefined();
  });
});
