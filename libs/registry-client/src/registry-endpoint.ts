/** Where a registry is and how to talk to it. Credentials never leave the client. */
export interface RegistryEndpoint {
  /** A name for logs, errors and metrics (never a URL with credentials in it). */
  name: string;
  /** Base URL, e.g. `https://registry.example.com` or `http://127.0.0.1:5000`. */
  url: string;
  /** Used for HTTP basic auth, and to obtain bearer tokens from the registry's token service. */
  credentials?: { username: string; password: string };
  tls?: {
    /** PEM bundle of extra CAs to trust for this registry (in addition to the system's). */
    caPem?: string;
    /** Skip certificate verification. Loud by design: logged as a warning on every client built. */
    insecure?: boolean;
  };
}
