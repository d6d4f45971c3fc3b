import { ShardStore, type Segment } from '../../lib/search/shard-store';

/** The real store, counting how many segment reads are in flight at once. */
export class CountingStore extends ShardStore {
  inFlight = 0;
  mostInFlight = 0;
  reads = 0;

  override async readSegment(timeline: string, segment: Segment): Promise<Buffer> {
    this.reads += 1;
    this.mostInFlight = Math.max(this.mostInFlight, ++this.inFlight);
    try {
      return await super.readSegment(timeline, segment);
    } finally {
      this.inFlight -= 1;
    }
  }
}
