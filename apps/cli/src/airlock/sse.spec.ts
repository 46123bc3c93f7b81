import { SseParser } from './sse';

describe('SseParser', () => {
  it('dispatches on a blank line, joins data lines, skips comments, keeps the last id', () => {
    const parser = new SseParser();
    expect(parser.push(': keep-alive\n\nid: 1\nevent: promotion\ndata: {"a":1}\n\n')).toEqual([
      { event: 'promotion', data: '{"a":1}', id: '1' },
    ]);
    expect(parser.push('data: one\ndata:two\n\n')).toEqual([
      { event: 'message', data: 'one\ntwo', id: '1' },
    ]);
  });

  it('takes events split anywhere across chunks, with LF, CRLF or CR line ends', () => {
    const text = 'event: end\r\ndata: {"b":2}\r\n\r\nevent: x\rdata: y\r\r\n';
    for (let cut = 1; cut < text.length; cut += 1) {
      const parser = new SseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(events).toEqual([
        { event: 'end', data: '{"b":2}', id: undefined },
        { event: 'x', data: 'y', id: undefined },
      ]);
    }
  });

  it('dispatches nothing for an event without data, or one not yet ended', () => {
    const parser = new SseParser();
    expect(parser.push('event: promotion\n\nevent: x\ndata: half')).toEqual([]);
  });
});
