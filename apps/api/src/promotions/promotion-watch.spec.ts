import type { PromotionView } from '@airlock/promotions';
import { PromotionWatch, type WatchReader } from './promotion-watch';

const view = (id: string, status = 'running') => ({ id, status }) as unknown as PromotionView;

describe('PromotionWatch: one read per tick for every live stream', () => {
  it('reads every watched promotion in one call and hands each listener its own', async () => {
    const asked: string[][] = [];
    const reader: WatchReader = {
      showMany: (ids) => {
        asked.push([...ids]);
        return Promise.resolve(ids.map((id) => view(id)));
      },
    };
    const watch = new PromotionWatch(reader);
    const seen: string[] = [];
    const stopA = watch.watch('a', (v) => seen.push(`1:${v.id}`));
    const stopA2 = watch.watch('a', (v) => seen.push(`2:${v.id}`));
    const stopB = watch.watch('b', (v) => seen.push(`3:${v.id}`));
    expect(watch.listening).toBe(3);
    await watch.tick();
    expect(asked).toEqual([['a', 'b']]);
    expect(seen.sort()).toEqual(['1:a', '2:a', '3:b']);
    stopA();
    stopB();
    await watch.tick();
    expect(asked.at(-1)).toEqual(['a']);
    stopA2();
    expect(watch.listening).toBe(0);
    await watch.tick(); // nobody listens: nothing is read
    expect(asked).toHaveLength(2);
    watch.onModuleDestroy();
  });

  it('keeps the streams when a read fails, and reads again next tick', async () => {
    let fail = true;
    const reader: WatchReader = {
      showMany: (ids) =>
        fail ? Promise.reject(new Error('db away')) : Promise.resolve(ids.map((id) => view(id))),
    };
    const watch = new PromotionWatch(reader);
    const seen: string[] = [];
    const stop = watch.watch('a', (v) => seen.push(v.id));
    await watch.tick();
    expect(seen).toEqual([]);
    fail = false;
    await watch.tick();
    expect(seen).toEqual(['a']);
    stop();
    watch.onModuleDestroy();
  });
});
