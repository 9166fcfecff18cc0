/** Which handler answers which API key. */
import { ApiKey } from '../protocol/api-keys';
import { apiVersions } from './api-versions';
import type { Handler } from './context';
import { createTopics } from './create-topics';
import { fetch } from './fetch';
import { findCoordinator } from './find-coordinator';
import { describeGroups, heartbeat, joinGroup, leaveGroup, syncGroup } from './group-membership';
import { initProducerId } from './init-producer-id';
import { listOffsets } from './list-offsets';
import { metadata } from './metadata';
import { offsetCommit, offsetFetch } from './offsets';
import { produce } from './produce';

export const HANDLERS: ReadonlyMap<number, Handler> = new Map<number, Handler>([
  [ApiKey.ApiVersions, apiVersions],
  [ApiKey.Metadata, metadata],
  [ApiKey.Produce, produce],
  [ApiKey.InitProducerId, initProducerId],
  [ApiKey.CreateTopics, createTopics],
  [ApiKey.ListOffsets, listOffsets],
  [ApiKey.Fetch, fetch],
  [ApiKey.FindCoordinator, findCoordinator],
  [ApiKey.JoinGroup, joinGroup],
  [ApiKey.SyncGroup, syncGroup],
  [ApiKey.Heartbeat, heartbeat],
  [ApiKey.LeaveGroup, leaveGroup],
  [ApiKey.DescribeGroups, describeGroups],
  [ApiKey.OffsetCommit, offsetCommit],
  [ApiKey.OffsetFetch, offsetFetch],
]);
