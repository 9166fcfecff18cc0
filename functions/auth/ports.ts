/** What the auth use cases need from the outside world, as small interfaces; adapters implement them. */
import type { Role, TokenSettings } from './domain/access-token';
import type { KeySet } from './domain/keys';
import type { ScryptCost } from './domain/password';

export interface UserRecord {
  id: string; email: string; role: Role; passwordHash: string; createdAt: string;
  /** Epoch ms of the last password change: logins started before it are over. */
  passwordChangedAt?: number;
}

export interface UserRepository {
  /** Atomic: fails with AuthError EMAIL_TAKEN when the (normalized) email is already used. */
  create(user: UserRecord): Promise<void>;
  findByEmail(email: string): Promise<UserRecord | undefined>;
  findById(id: string): Promise<UserRecord | undefined>;
  /** Replaces `previousHash`; AuthError WRONG_PASSWORD if another change replaced it meanwhile. */
  changePassword(id: string, previousHash: string, passwordHash: string, changedAt: number): Promise<void>;
}

/** One stored refresh token (by hash); `used` once it has been exchanged. */
export interface RefreshRecord { familyId: string; userId: string; used: boolean; expiresAt: number }

/** One login: every refresh token and access token descending from it. Times in epoch seconds. */
export interface TokenFamily { id: string; userId: string; revoked: boolean; accessTokens: Record<string, number>; /** Epoch ms; absent on logins older than this field. */ startedAt?: number }

export interface IssuedTokens { refreshHash: string; refreshExpiresAt: number; accessJti: string; accessExpiresAt: number }

export interface SessionStore {
  startFamily(family: { id: string; userId: string; startedAt: number }, tokens: IssuedTokens): Promise<void>;
  findRefresh(refreshHash: string): Promise<RefreshRecord | undefined>;
  findFamily(id: string): Promise<TokenFamily | undefined>;
  /** Marks the old refresh token used and records the new pair, atomically; false if it was used meanwhile or the family was revoked. */
  rotate(oldRefreshHash: string, familyId: string, tokens: IssuedTokens): Promise<boolean>;
  /** Revokes the family's refresh tokens and every access token it issued that has not expired yet. */
  revokeFamily(familyId: string, nowSeconds: number): Promise<void>;
  revokeAccessToken(jti: string, expiresAt: number): Promise<void>;
  isRevoked(jti: string): Promise<boolean>;
  /** Login attempts (epoch ms) counted against an opaque per-email key; a success clears them. */
  loginFailures(key: string): Promise<number[]>;
  /**
   * Counts an attempt before its password is checked, so parallel guesses cannot slip past the limit:
   * writes `keep` + `at` only if the stored list still has `seenLength` entries; false if it changed meanwhile.
   */
  reserveLoginAttempt(key: string, seenLength: number, keep: number[], at: number): Promise<boolean>;
  clearLoginFailures(key: string): Promise<void>;
}

/** Private signing keys, current first (Secrets Manager on AWS, a git-ignored file locally). */
export interface KeyStore { privateKeySet(): Promise<KeySet> }

export interface AuthPorts {
  users: UserRepository;
  sessions: SessionStore;
  keys: KeyStore;
  settings: TokenSettings;
  now: () => number;
  passwordCost?: ScryptCost;
}
