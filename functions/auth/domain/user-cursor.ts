/** Where a user listing stands: the last user of the page (nothing secret; the listing is admin-only). */
export interface UserCursor {
  id: string;
  createdAt: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (id: string | undefined): id is string => id !== undefined && UUID.test(id);

export const userCursor = (user: UserCursor): string =>
  Buffer.from(JSON.stringify({ id: user.id, createdAt: user.createdAt })).toString('base64url');

export function parseUserCursor(cursor: string): UserCursor | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (
      isUuid(value.id as string) &&
      typeof value.createdAt === 'string' &&
      !Number.isNaN(Date.parse(value.createdAt))
    ) {
      return { id: value.id as string, createdAt: value.createdAt };
    }
  } catch {
    /* not a cursor of ours */
  }
  return undefined;
}
