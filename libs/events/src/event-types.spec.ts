import { buildEnvelope, envelopeBody } from './event-envelope';
import { ALL_EVENTS, EVENT_TYPES, isEventType, wantsEvent } from './event-types';
import { normalizeEvents, readNewWebhook } from './webhook-rules';

const URL = 'https://ci.example.com/hook';

function problemsOf(fn: () => unknown): Array<{ field: string; rule: string }> {
  try {
    fn();
  } catch (error) {
    return (
      error as { details: { errors: Array<{ field: string; rule: string }> } }
    ).details.errors.map(({ field, rule }) => ({ field, rule }));
  }
  throw new Error('expected an INVALID_INPUT error');
}

describe('event types', () => {
  it('include the published types and the reserved ones', () => {
    expect(EVENT_TYPES).toEqual(
      expect.arrayContaining([
        'image.registered',
        'gate.recorded',
        'promotion.queued',
        'promotion.succeeded',
        'promotion.failed',
        'mirror.synced',
        'base-image.updated',
        'integrity.violation',
      ]),
    );
    expect(isEventType('gate.recorded')).toBe(true);
    expect(isEventType('gate.deleted')).toBe(false);
    expect(isEventType(ALL_EVENTS)).toBe(false);
  });
});

describe('event-type filtering', () => {
  it('delivers the listed types only', () => {
    const events = ['image.registered', 'promotion.failed'];
    expect(wantsEvent(events, 'image.registered')).toBe(true);
    expect(wantsEvent(events, 'promotion.failed')).toBe(true);
    expect(wantsEvent(events, 'promotion.succeeded')).toBe(false);
    expect(wantsEvent(events, 'gate.recorded')).toBe(false);
  });

  it('delivers every type, reserved ones included, to "*"', () => {
    for (const type of EVENT_TYPES) expect(wantsEvent([ALL_EVENTS], type)).toBe(true);
  });

  it('delivers nothing to an empty list', () => {
    expect(wantsEvent([], 'image.registered')).toBe(false);
  });

  it('validates a subscription list against the known types, naming the bad entry', () => {
    const events = ['image.registered', '*', 'mirror.synced'];
    expect(readNewWebhook({ url: URL, events }).events).toEqual(events);
    expect(problemsOf(() => readNewWebhook({ url: URL, events: [] }))).toEqual([
      { field: 'events', rule: 'minItems' },
    ]);
    expect(
      problemsOf(() => readNewWebhook({ url: URL, events: ['image.registered', 'image.deleted'] })),
    ).toEqual([{ field: 'events[1]', rule: 'oneOf' }]);
  });

  it('stores "*" alone and drops duplicates', () => {
    expect(normalizeEvents(['gate.recorded', '*'])).toEqual(['*']);
    expect(normalizeEvents(['gate.recorded', 'gate.recorded', 'image.registered'])).toEqual([
      'gate.recorded',
      'image.registered',
    ]);
  });
});

describe('event envelopes', () => {
  it('carry a uuid, the type, when it happened and JSON data', () => {
    const now = new Date('2026-11-22T08:00:00.000Z');
    const envelope = buildEnvelope('gate.recorded', { at: now, gate: 'scan' }, now);
    expect(envelope).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'gate.recorded',
      occurredAt: '2026-11-22T08:00:00.000Z',
      data: { at: '2026-11-22T08:00:00.000Z', gate: 'scan' },
    });
  });

  it('are sent with their keys in the documented order, whatever order jsonb kept', () => {
    const stored = { data: { a: 1 }, id: 'x', occurredAt: 't', type: 'gate.recorded' };
    expect(envelopeBody(stored)).toBe(
      '{"id":"x","type":"gate.recorded","occurredAt":"t","data":{"a":1}}',
    );
  });
});
