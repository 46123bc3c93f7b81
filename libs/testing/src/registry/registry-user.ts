/** A registry account (htpasswd line or token-server user). */
export interface RegistryUser {
  username: string;
  password: string;
}
