/** What every API handler receives: the request header, its body, and the broker's state. */
import type { GroupCoordinator } from '../groups/coordinator';
import type { Reader } from '../protocol/reader';
import type { Writer } from '../protocol/writer';
import type { OffsetStore } from '../storage/offset-store';
import type { TopicStore } from '../storage/topic-store';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  /** The client's address, as DescribeGroups reports it. */
  clientHost: string;
  /** Aborted when the connection closes (or the broker stops), so a long-poll for a gone client ends. */
  cancelled: AbortSignal;
}

export interface BrokerState {
  nodeId: number;
  /** The address clients are told to connect to (Metadata, FindCoordinator). */
  advertisedHost: string;
  port: number;
  topics: TopicStore;
  offsets: OffsetStore;
  groups: GroupCoordinator;
  autoCreateTopics: boolean;
  defaultPartitions: number;
  nextProducerId(): number;
}

/** The response body, or null when the request gets no response (Produce with acks=0). */
export type Handler = (
  body: Reader,
  header: RequestHeader,
  broker: BrokerState,
) => Writer | null | Promise<Writer | null>;

/** Response bodies of v1+ of most APIs start with throttle_time_ms; this broker never throttles. */
export function withThrottle(writer: Writer, present: boolean): Writer {
  return present ? writer.int32(0) : writer;
}
