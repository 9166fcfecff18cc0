/**
 * One consumer group's membership protocol: Empty → PreparingRebalance → AwaitingSync → Stable.
 * JoinGroup answers wait until every known member has rejoined (or the rebalance timeout drops the
 * missing ones); a follower's SyncGroup waits for the leader's assignment.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/errors';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'AwaitingSync' | 'Stable';

export interface ProtocolOffer {
  name: string;
  metadata: Buffer;
}

export interface JoinRequest {
  memberId: string;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: ProtocolOffer[];
}

export interface JoinResult {
  error: ErrorCode;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  members: { memberId: string; metadata: Buffer }[];
}

export interface SyncResult {
  error: ErrorCode;
  assignment: Buffer;
}

export interface GroupDescription {
  state: string;
  protocolType: string;
  protocol: string;
  members: { memberId: string; clientId: string; clientHost: string; metadata: Buffer; assignment: Buffer }[];
}

interface Member {
  id: string;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: ProtocolOffer[];
  assignment: Buffer;
  pendingJoin?: (result: JoinResult) => void;
  pendingSync?: (result: SyncResult) => void;
  sessionTimer?: NodeJS.Timeout;
}

const EMPTY = Buffer.alloc(0);

export function joinError(error: ErrorCode, memberId = ''): JoinResult {
  return { error, generationId: -1, protocolName: '', leader: '', memberId, members: [] };
}

export class Group {
  state: GroupState = 'Empty';
  generation = 0;
  private protocolType: string | null = null;
  private protocol = '';
  private leader = '';
  private readonly members = new Map<string, Member>();
  private rebalanceTimer?: NodeJS.Timeout;

  join(request: JoinRequest): Promise<JoinResult> {
    if (request.protocols.length === 0 || (this.members.size > 0 && request.protocolType !== this.protocolType))
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, request.memberId));
    if (request.sessionTimeoutMs <= 0)
      return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, request.memberId));
    if (request.memberId !== '' && !this.members.has(request.memberId))
      return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, request.memberId));
    const id = request.memberId || `${request.clientId || 'member'}-${randomUUID()}`;
    const member: Member = this.members.get(id) ?? {
      id,
      clientId: request.clientId,
      clientHost: request.clientHost,
      sessionTimeoutMs: 0,
      rebalanceTimeoutMs: 0,
      protocols: [],
      assignment: EMPTY,
    };
    Object.assign(member, {
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      protocols: request.protocols,
    });
    this.members.set(id, member);
    this.protocolType = request.protocolType;
    return new Promise((resolve) => {
      member.pendingJoin?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, id));
      member.pendingJoin = resolve;
      this.touch(member);
      if (this.state !== 'PreparingRebalance') this.prepareRebalance();
      this.completeJoinIfAllJoined();
    });
  }

  sync(
    generation: number,
    memberId: string,
    assignments: { memberId: string; assignment: Buffer }[],
  ): Promise<SyncResult> {
    const member = this.members.get(memberId);
    if (!member) return Promise.resolve({ error: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    if (generation !== this.generation)
      return Promise.resolve({ error: ErrorCode.ILLEGAL_GENERATION, assignment: EMPTY });
    if (this.state === 'PreparingRebalance')
      return Promise.resolve({ error: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
    this.touch(member);
    if (this.state === 'Stable') return Promise.resolve({ error: ErrorCode.NONE, assignment: member.assignment });
    if (memberId === this.leader) {
      const byMember = new Map(assignments.map((entry) => [entry.memberId, entry.assignment]));
      this.state = 'Stable';
      for (const each of this.members.values()) {
        each.assignment = byMember.get(each.id) ?? EMPTY;
        each.pendingSync?.({ error: ErrorCode.NONE, assignment: each.assignment });
        each.pendingSync = undefined;
      }
      return Promise.resolve({ error: ErrorCode.NONE, assignment: member.assignment });
    }
    return new Promise((resolve) => {
      member.pendingSync?.({ error: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      member.pendingSync = resolve;
    });
  }

  heartbeat(generation: number, memberId: string): ErrorCode {
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.touch(member);
    if (generation !== this.generation) return ErrorCode.ILLEGAL_GENERATION;
    if (this.state === 'PreparingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    return ErrorCode.NONE;
  }

  leave(memberId: string): ErrorCode {
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.remove(member);
    return ErrorCode.NONE;
  }

  /**
   * Whether an OffsetCommit from this member may be stored now. As in Apache Kafka's GroupCoordinator, a
   * member of the current generation may commit while the group prepares a rebalance: that is when
   * clients commit what they consumed before giving their partitions up (kafkajs on the heartbeat that
   * says 27, the Java client in onPartitionsRevoked). Only between the join and the leader's assignment
   * (AwaitingSync, Kafka's CompletingRebalance) is the answer REBALANCE_IN_PROGRESS.
   */
  canCommit(generation: number, memberId: string): ErrorCode {
    if (generation === -1 && memberId === '') return ErrorCode.NONE; // a commit from outside the group (admin, manual)
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generation !== this.generation) return ErrorCode.ILLEGAL_GENERATION;
    this.touch(member);
    if (this.state === 'AwaitingSync') return ErrorCode.REBALANCE_IN_PROGRESS;
    return ErrorCode.NONE;
  }

  /** For DescribeGroups; Kafka calls AwaitingSync "CompletingRebalance". */
  describe(): GroupDescription {
    return {
      state: this.state === 'AwaitingSync' ? 'CompletingRebalance' : this.state,
      protocolType: this.protocolType ?? '',
      protocol: this.protocol,
      members: [...this.members.values()].map((member) => ({
        memberId: member.id,
        clientId: member.clientId,
        clientHost: member.clientHost,
        metadata: member.protocols.find((offer) => offer.name === this.protocol)?.metadata ?? EMPTY,
        assignment: member.assignment,
      })),
    };
  }

  /** Releases every waiting request and timer (broker shutdown). */
  close(): void {
    clearTimeout(this.rebalanceTimer);
    for (const member of this.members.values()) {
      clearTimeout(member.sessionTimer);
      member.pendingJoin?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.id));
      member.pendingSync?.({ error: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
    }
    this.members.clear();
  }

  private prepareRebalance(): void {
    for (const member of this.members.values()) {
      member.pendingSync?.({ error: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      member.pendingSync = undefined;
    }
    this.state = 'PreparingRebalance';
    const timeout = Math.max(0, ...[...this.members.values()].map((member) => member.rebalanceTimeoutMs));
    clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = setTimeout(() => this.completeJoin(), timeout);
  }

  private completeJoinIfAllJoined(): void {
    if (this.state !== 'PreparingRebalance') return;
    for (const member of this.members.values()) if (!member.pendingJoin) return;
    this.completeJoin();
  }

  /** Ends the join phase: members that did not rejoin are dropped, the generation moves on. */
  private completeJoin(): void {
    clearTimeout(this.rebalanceTimer);
    for (const member of [...this.members.values()]) {
      if (!member.pendingJoin) {
        clearTimeout(member.sessionTimer);
        this.members.delete(member.id);
      }
    }
    this.generation += 1;
    if (this.members.size === 0) {
      Object.assign(this, { state: 'Empty', protocolType: null, protocol: '', leader: '' });
      return;
    }
    const members = [...this.members.values()];
    if (!this.members.has(this.leader)) this.leader = members[0]!.id;
    const leader = this.members.get(this.leader)!;
    const common = leader.protocols.find((offer) =>
      members.every((member) => member.protocols.some((other) => other.name === offer.name)),
    );
    this.protocol = (common ?? leader.protocols[0]!).name;
    this.state = 'AwaitingSync';
    const memberList = members.map((member) => ({
      memberId: member.id,
      metadata: member.protocols.find((offer) => offer.name === this.protocol)?.metadata ?? EMPTY,
    }));
    for (const member of members) {
      const resolve = member.pendingJoin!;
      member.pendingJoin = undefined;
      this.touch(member);
      resolve({
        error: ErrorCode.NONE,
        generationId: this.generation,
        protocolName: this.protocol,
        leader: this.leader,
        memberId: member.id,
        members: member.id === this.leader ? memberList : [],
      });
    }
  }

  private remove(member: Member): void {
    clearTimeout(member.sessionTimer);
    member.pendingJoin?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.id));
    member.pendingSync?.({ error: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    this.members.delete(member.id);
    if (this.state === 'PreparingRebalance') this.completeJoinIfAllJoined();
    else if (this.members.size === 0) this.completeJoin();
    else this.prepareRebalance();
  }

  /** Restarts the member's session clock; a member silent for its session timeout is removed. */
  private touch(member: Member): void {
    clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(() => {
      // While a JoinGroup is pending the rebalance timeout, not the session, decides.
      if (member.pendingJoin) this.touch(member);
      else if (this.members.get(member.id) === member) this.remove(member);
    }, member.sessionTimeoutMs);
    member.sessionTimer.unref();
  }
}
