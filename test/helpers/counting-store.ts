import { ShardStore, type Segment } from '../../lib/search/shard-store';

/** The real store, counting reads of segments' indexes (how many, and how many in flight at once) and of their texts. */
export class CountingStore extends ShardStore {
  inFlight = 0;
  mostInFlight = 0;
  reads = 0;
  textReads = 0;

  override async readSegmentIndex(timeline: string, segment: Segment): Promise<Buffer> {
    this.reads += 1;
    this.mostInFlight = Math.max(this.mostInFlight, ++this.inFlight);
    try {
      return await super.readSegmentIndex(timeline, segment);
    } finally {
      this.inFlight -= 1;
    }
  }

  override readSegmentTexts(timeline: string, segment: Segment): Promise<Buffer> {
    this.textReads += 1;
    return super.readSegmentTexts(timeline, segment);
  }
}
