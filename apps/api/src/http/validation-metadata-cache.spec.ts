import { getMetadataStorage, IsInt, IsString, validateSync } from 'class-validator';
import { cacheValidationMetadata } from './validation-metadata-cache';

class Base {
  @IsString()
  name!: unknown;
}

class Derived extends Base {
  @IsInt()
  count!: unknown;
}

const failing = (object: object) =>
  validateSync(object, { whitelist: true, forbidNonWhitelisted: true })
    .map((e) => e.property)
    .sort();

describe('cacheValidationMetadata', () => {
  beforeAll(() => cacheValidationMetadata());

  it('answers what class-validator answers, inherited rules included', () => {
    expect(failing(Object.assign(new Derived(), { name: 1, count: 'x' }))).toEqual([
      'count',
      'name',
    ]);
    expect(failing(Object.assign(new Derived(), { name: 'a', count: 2 }))).toEqual([]);
    expect(failing(Object.assign(new Base(), { name: 'a', count: 2 }))).toEqual(['count']);
  });

  it('looks the rules of a class up once per options, then reuses them', () => {
    const Storage = getMetadataStorage().constructor as new () => ReturnType<
      typeof getMetadataStorage
    >;
    const storage = new Storage();
    const lookup = jest.spyOn(storage, 'getTargetValidationMetadatas');
    cacheValidationMetadata(storage);
    const first = storage.getTargetValidationMetadatas(Derived, '', false, false);
    for (let i = 0; i < 4; i++) {
      expect(storage.getTargetValidationMetadatas(Derived, '', false, false)).toBe(first);
    }
    storage.getTargetValidationMetadatas(Derived, '', false, false, ['admin']);
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('forgets what it cached when a rule is added later', () => {
    class Late {
      @IsString()
      label!: unknown;
    }
    expect(failing(Object.assign(new Late(), { label: 'x', extra: 'y' }))).toEqual(['extra']);
    IsInt()(Late.prototype, 'extra');
    expect(failing(Object.assign(new Late(), { label: 'x', extra: 'y' }))).toEqual(['extra']);
    expect(failing(Object.assign(new Late(), { label: 'x', extra: 3 }))).toEqual([]);
  });
});
