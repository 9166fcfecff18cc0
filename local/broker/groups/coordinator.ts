/** All consumer groups of the broker (it coordinates every group itself). */
import { Group } from './group';

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();

  /** The group, created Empty on first use. */
  group(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group) this.groups.set(groupId, (group = new Group()));
    return group;
  }

  existing(groupId: string): Group | undefined {
    return this.groups.get(groupId);
  }

  close(): void {
    for (const group of this.groups.values()) group.close();
    this.groups.clear();
  }
}
