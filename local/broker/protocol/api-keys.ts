/**
 * The APIs and version ranges this broker advertises. Ranges are chosen so that kafkajs never uses
 * flexible (tagged-field) versions and librdkafka enables record batches and consumer groups
 * (local/broker/README.md, "Protocol facts").
 */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ApiVersions: 18,
  CreateTopics: 19,
  InitProducerId: 22,
} as const;
export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];

export interface VersionRange {
  apiKey: ApiKey;
  min: number;
  max: number;
}

export const SUPPORTED_VERSIONS: readonly VersionRange[] = [
  { apiKey: ApiKey.ApiVersions, min: 0, max: 2 },
  { apiKey: ApiKey.Metadata, min: 0, max: 4 },
  { apiKey: ApiKey.Produce, min: 3, max: 7 },
  { apiKey: ApiKey.InitProducerId, min: 0, max: 1 },
  { apiKey: ApiKey.CreateTopics, min: 0, max: 2 },
  { apiKey: ApiKey.FindCoordinator, min: 0, max: 2 },
  { apiKey: ApiKey.JoinGroup, min: 0, max: 2 },
  { apiKey: ApiKey.SyncGroup, min: 0, max: 1 },
  { apiKey: ApiKey.Heartbeat, min: 0, max: 1 },
  { apiKey: ApiKey.LeaveGroup, min: 0, max: 1 },
  // Beyond the design table: kafkajs admin.describeGroups / setOffsets / resetOffsets need it.
  { apiKey: ApiKey.DescribeGroups, min: 0, max: 1 },
  { apiKey: ApiKey.OffsetFetch, min: 1, max: 3 },
  { apiKey: ApiKey.OffsetCommit, min: 2, max: 3 },
  { apiKey: ApiKey.ListOffsets, min: 1, max: 2 },
  { apiKey: ApiKey.Fetch, min: 4, max: 4 },
];

const BY_KEY = new Map<number, VersionRange>(SUPPORTED_VERSIONS.map((range) => [range.apiKey, range]));

export function isSupported(apiKey: number, version: number): boolean {
  const range = BY_KEY.get(apiKey);
  return range !== undefined && version >= range.min && version <= range.max;
}

export function isKnownApi(apiKey: number): boolean {
  return BY_KEY.has(apiKey);
}
