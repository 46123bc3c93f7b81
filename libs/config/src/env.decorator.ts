const VARIABLES = new WeakMap<object, Map<string, string>>();

/** Binds a config property to the environment variable it is read from. */
export function Env(variable: string): PropertyDecorator {
  return (target, property) => {
    const map = VARIABLES.get(target.constructor) ?? new Map<string, string>();
    map.set(String(property), variable);
    VARIABLES.set(target.constructor, map);
  };
}

/** property → variable name for a config class, in declaration order. */
export function envVariables(type: object): Map<string, string> {
  return new Map(VARIABLES.get(type) ?? []);
}
