import { isRole, roleAllows, rolesPassing, ROLES } from './roles';

describe('roles', () => {
  it('lets admin through every check', () => {
    expect(roleAllows('admin', ['reader'])).toBe(true);
    expect(roleAllows('admin', ['ci', 'approver'])).toBe(true);
    expect(roleAllows('admin', [])).toBe(true);
  });

  it('lets any role through a check that requires none (any authenticated token)', () => {
    for (const role of ROLES) expect(roleAllows(role, [])).toBe(true);
  });

  it('lets a role through only the checks that name it', () => {
    expect(roleAllows('reader', ['admin'])).toBe(false);
    expect(roleAllows('reader', ['reader'])).toBe(true);
    expect(roleAllows('ci', ['approver'])).toBe(false);
    expect(roleAllows('approver', ['ci', 'approver'])).toBe(true);
  });

  it('lists the roles that pass, admin first and once', () => {
    expect(rolesPassing(['admin'])).toEqual(['admin']);
    expect(rolesPassing(['reader', 'admin'])).toEqual(['admin', 'reader']);
    expect(rolesPassing([])).toEqual(['admin', 'ci', 'approver', 'reader']);
  });

  it('recognises only the four roles', () => {
    expect(ROLES.every(isRole)).toBe(true);
    expect(isRole('root')).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });
});
