import createClient, { type Middleware } from 'openapi-fetch';
import { ApiProblem, toProblem } from './problem';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

const TOKEN_KEY = 'airlock.token';

/** The API token lives in this tab's sessionStorage only: never localStorage, never the URL. */
export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token),
  clear: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

export const bearer = (token: string): string => `Bearer ${token}`;

type SessionEndedListener = (problem: ApiProblem) => void;
let sessionEnded: SessionEndedListener = () => {};

/** Called when the API refuses the stored token (401): revoked, unknown, expired. */
export function onSessionEnded(listener: SessionEndedListener): () => void {
  sessionEnded = listener;
  return () => {
    if (sessionEnded === listener) sessionEnded = () => {};
  };
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = tokenStore.get();
    if (token && !request.headers.has('Authorization'))
      request.headers.set('Authorization', bearer(token));
    return request;
  },
  async onResponse({ request, response }) {
    const token = tokenStore.get();
    // Only the stored token's refusal ends the session; sign-in sends its candidate itself.
    if (response.status === 401 && token && request.headers.get('Authorization') === bearer(token))
      sessionEnded(new ApiProblem(toProblem(response, await readBody(response.clone()))));
    return response;
  },
};

/** Every call of the UI: typed by the paths generated from docs/openapi.json. */
export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

/** The data of a 2xx answer; any other answer is thrown as an ApiProblem. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  throw new ApiProblem(toProblem(response, error));
}

async function readBody(response: Response): Promise<unknown> {
  const body = await response.text();
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
