import type { SourceHealth } from '../model.js';
import type { HttpClient } from './http.js';

/** Sources that talk to one upstream through one HttpClient: health and call counts are the client's. */
export abstract class HttpBackedSource {
  protected abstract readonly http: HttpClient;

  health(): SourceHealth {
    return this.http.health();
  }

  onHealthChange(listener: (h: SourceHealth) => void): () => void {
    return this.http.onHealthChange(listener);
  }

  callCounts(): Record<string, number> {
    return this.http.callCounts();
  }
}
