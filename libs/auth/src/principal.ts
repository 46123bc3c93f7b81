import type { Role } from './roles';

/** Who is calling: the authenticated token. Put on the request by the API's guard. */
export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
}
