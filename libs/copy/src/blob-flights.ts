/** An upload of one blob into one registry, under way in this process. */
interface Flight {
  repository: string;
  landed: Promise<unknown>;
}

/** Landed uploads remembered in the process (the newest; Postgres remembers the rest). */
const LANDED_KEPT = 10_000;

/**
 * Single flight for blob uploads: while one copy streams a blob into a registry, another copy
 * that needs the same blob in the same registry waits for it, then mounts it from the repository
 * it landed in (or finds it there) instead of streaming the same bytes a second time. Where
 * recent uploads landed is kept too, so a copy that comes by just after one landed — before that
 * copy's locations reach BlobLocations, at the end of its blob pass — mounts it as well.
 *
 * Only an upload that holds its registry slot is registered, so a waiter always waits for work
 * that is already running: no two copies can wait for each other.
 */
export class BlobFlights {
  private readonly flights = new Map<string, Flight>();
  private readonly landed = new Map<string, string>();

  /** The upload of `digest` into `origin` under way, if any. */
  current(origin: string, digest: string): Flight | undefined {
    return this.flights.get(key(origin, digest));
  }

  /** The repository of `origin` an upload of `digest` by this process last landed in. */
  landedAt(origin: string, digest: string): string | undefined {
    return this.landed.get(key(origin, digest));
  }

  /** Runs `upload` of `digest` into `repository` of `origin`, visible to others while it runs. */
  async fly<T>(
    origin: string,
    digest: string,
    repository: string,
    upload: () => Promise<T>,
  ): Promise<T> {
    const at = key(origin, digest);
    const landed = upload();
    const flight = { repository, landed };
    this.flights.set(at, flight);
    try {
      const outcome = await landed;
      this.land(at, repository);
      return outcome;
    } finally {
      if (this.flights.get(at) === flight) this.flights.delete(at);
    }
  }

  private land(at: string, repository: string): void {
    this.landed.delete(at);
    this.landed.set(at, repository);
    if (this.landed.size > LANDED_KEPT) this.landed.delete(this.landed.keys().next().value!);
  }
}

function key(origin: string, digest: string): string {
  return `${origin} ${digest}`;
}
