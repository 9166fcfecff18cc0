/** JoinGroup (11, v0–2), SyncGroup (14, v0–1), Heartbeat (12, v0–1), LeaveGroup (13, v0–1), DescribeGroups (15, v0–1). */
import type { JoinResult } from '../groups/group';
import { joinError } from '../groups/group';
import { ErrorCode } from '../protocol/errors';
import { Writer } from '../protocol/writer';
import { withThrottle, type Handler } from './context';

function writeJoin(result: JoinResult, version: number): Writer {
  return withThrottle(new Writer(), version >= 2)
    .int16(result.error)
    .int32(result.generationId)
    .string(result.protocolName)
    .string(result.leader)
    .string(result.memberId)
    .array(result.members, (w, member) => w.string(member.memberId).bytes(member.metadata));
}

export const joinGroup: Handler = async (body, header, broker) => {
  const version = header.apiVersion;
  const groupId = body.string();
  const sessionTimeoutMs = body.int32();
  const rebalanceTimeoutMs = version >= 1 ? body.int32() : sessionTimeoutMs;
  const memberId = body.string();
  const protocolType = body.string();
  // Copies: the request buffer should not stay alive for the whole life of the group.
  const protocols = body.array((r) => ({ name: r.string(), metadata: Buffer.from(r.bytes()) }));
  if (groupId === '') return writeJoin(joinError(ErrorCode.INVALID_GROUP_ID, memberId), version);
  const result = await broker.groups.group(groupId).join({
    memberId,
    clientId: header.clientId ?? '',
    clientHost: header.clientHost,
    sessionTimeoutMs,
    rebalanceTimeoutMs,
    protocolType,
    protocols,
  });
  return writeJoin(result, version);
};

export const syncGroup: Handler = async (body, header, broker) => {
  const groupId = body.string();
  const generation = body.int32();
  const memberId = body.string();
  const assignments = body.array((r) => ({ memberId: r.string(), assignment: Buffer.from(r.bytes()) }));
  const group = broker.groups.existing(groupId);
  const result = group
    ? await group.sync(generation, memberId, assignments)
    : { error: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) };
  return withThrottle(new Writer(), header.apiVersion >= 1)
    .int16(result.error)
    .bytes(result.assignment);
};

export const heartbeat: Handler = (body, header, broker) => {
  const groupId = body.string();
  const generation = body.int32();
  const memberId = body.string();
  const error = broker.groups.existing(groupId)?.heartbeat(generation, memberId) ?? ErrorCode.UNKNOWN_MEMBER_ID;
  return withThrottle(new Writer(), header.apiVersion >= 1).int16(error);
};

export const leaveGroup: Handler = (body, header, broker) => {
  const groupId = body.string();
  const memberId = body.string();
  const error = broker.groups.existing(groupId)?.leave(memberId) ?? ErrorCode.UNKNOWN_MEMBER_ID;
  return withThrottle(new Writer(), header.apiVersion >= 1).int16(error);
};

export const describeGroups: Handler = (body, header, broker) => {
  const groupIds = body.array((r) => r.string());
  return withThrottle(new Writer(), header.apiVersion >= 1).array(groupIds, (w, groupId) => {
    // Kafka describes a group it does not know as "Dead" with no error.
    const description = broker.groups.existing(groupId)?.describe() ?? {
      state: 'Dead',
      protocolType: '',
      protocol: '',
      members: [],
    };
    w.int16(ErrorCode.NONE)
      .string(groupId)
      .string(description.state)
      .string(description.protocolType)
      .string(description.protocol);
    w.array(description.members, (mw, member) =>
      mw
        .string(member.memberId)
        .string(member.clientId)
        .string(member.clientHost)
        .bytes(member.metadata)
        .bytes(member.assignment),
    );
  });
};
