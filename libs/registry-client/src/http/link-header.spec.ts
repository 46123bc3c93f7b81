import { parseNextLink } from './link-header';

describe('parseNextLink', () => {
  const base = new URL('https://registry.example.com/v2/app/tags/list?n=2');

  it('resolves distribution’s relative next link', () => {
    expect(parseNextLink('</v2/app/tags/list?last=b&n=2>; rel="next"', base)?.href).toBe(
      'https://registry.example.com/v2/app/tags/list?last=b&n=2',
    );
  });

  it('takes absolute links, unquoted rel, several links and several relations', () => {
    expect(parseNextLink('<https://other.example/v2/x?last=z>; rel=next', base)?.href).toBe(
      'https://other.example/v2/x?last=z',
    );
    expect(parseNextLink('</first>; rel="first", </second?a=b>; rel="prev next"', base)?.href).toBe(
      'https://registry.example.com/second?a=b',
    );
    expect(parseNextLink('</p>; title="page"; REL="Next"', base)?.pathname).toBe('/p');
  });

  it('finds nothing without a next relation', () => {
    expect(parseNextLink(undefined, base)).toBeUndefined();
    expect(parseNextLink('', base)).toBeUndefined();
    expect(parseNextLink('</v2/app/tags/list?last=b>; rel="prev"', base)).toBeUndefined();
    expect(parseNextLink('garbage', base)).toBeUndefined();
  });
});
