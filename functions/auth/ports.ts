/** What the auth use cases need from the outside world, as small interfaces; adapters implement them. */
import type { Clock, IdGenerator } from '../commons/clock';
import type { Role } from '../commons/roles';
import type { TokenSettings } from './domain/access-token';
import type { KeySet } from './domain/keys';
import type { AccountState, LoginRecord } from './domain/login-state';
import type { LoginAttempts } from './domain/login-throttle';
import type { ScryptCost } from './domain/password';
import type { UserCursor } from './domain/user-cursor';

export type UserStatus = 'active' | 'disabled';

export interface UserRecord {
  id: string;
  email: string;
  role: Role;
  passwordHash: string;
  createdAt: string;
  /** The user proved they own the address (a one-time code), or an admin created them. */
  emailVerified: boolean;
  /** A disabled user cannot log in; disabling ends every login at once. Absent on users stored before it: active. */
  status?: UserStatus;
  lastLoginAt?: string;
  /** Epoch ms of the last password change: logins started before it are over. */
  passwordChangedAt?: number;
}

/** A page of users, newest first; `after` is the last user of the previous page. */
export interface UserQuery {
  role?: Role;
  status?: UserStatus;
  limit: number;
  after?: UserCursor;
}

/** An admin's change to a user; `expected` is the role and status it was decided on (a race → CONFLICT). */
export interface UserChange {
  role: Role;
  status: UserStatus;
  expected: { role: Role; status: UserStatus };
  at: number;
}

export interface UserRepository {
  /** Atomic, with the user's access state: fails with AuthError EMAIL_TAKEN when the (normalized) email is already used. */
  create(user: UserRecord): Promise<void>;
  findByEmail(email: string): Promise<UserRecord | undefined>;
  findById(id: string): Promise<UserRecord | undefined>;
  /**
   * Replaces `previousHash` and ends every login started before `changedAt`, atomically; AuthError
   * WRONG_PASSWORD if another change replaced the hash meanwhile.
   */
  changePassword(id: string, previousHash: string, passwordHash: string, changedAt: number): Promise<void>;
  list(query: UserQuery): Promise<{ users: UserRecord[]; more: boolean }>;
  /**
   * Applies a role/status change and ends every login of the user at once, atomically. AuthError
   * LAST_ADMIN when it would leave no active admin; CONFLICT when the user changed meanwhile.
   */
  update(id: string, change: UserChange): Promise<void>;
  /** Ends every login of the user at once (logins started before `at`). */
  endLogins(id: string, at: number): Promise<void>;
  recordLogin(id: string, at: string): Promise<void>;
}

/** A pending email-verification code: only its hash is stored. Times in epoch ms. */
export interface VerificationCode {
  codeHash: string;
  expiresAt: number;
  wrongTries: number;
  sentAt: number[];
}

export interface VerificationCodes {
  find(userId: string): Promise<VerificationCode | undefined>;
  /** Replaces any earlier code of the user. */
  save(userId: string, code: VerificationCode): Promise<void>;
  /** Counts a wrong try if the code still has `seenTries`; the code is removed at `maxTries`. False if it changed meanwhile. */
  recordWrongTry(userId: string, seenTries: number, maxTries: number): Promise<boolean>;
  /** Uses the code (once) and marks the user's email verified, atomically; false if the code changed or was used meanwhile. */
  confirm(userId: string, codeHash: string, seenTries: number): Promise<boolean>;
}

/** Every message the system sends (Amazon SES on AWS, the local mailbox on one machine). */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  code?: string;
}
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

/** One stored refresh token (by hash); `used` once it has been exchanged. */
export interface RefreshRecord {
  familyId: string;
  userId: string;
  used: boolean;
  expiresAt: number;
}

/** A new login (token family). `startedAt` in epoch ms, `endsAt` in epoch seconds. */
export interface LoginStart {
  id: string;
  userId: string;
  startedAt: number;
  endsAt: number;
  userAgent?: string;
}

/** A login as its owner sees it; `expiresAt` (epoch s) is when its refresh token dies unused. */
export interface LoginSummary extends LoginRecord {
  id: string;
  lastUsedAt: number;
  userAgent?: string;
  expiresAt: number;
}

/** A new attempt counted as running, and what its write keeps of the key's others (throttleDecision's). */
export interface LoginAttemptCount {
  id: string;
  at: number;
  keep: number[];
  drop: string[];
}

export interface IssuedTokens {
  refreshHash: string;
  refreshExpiresAt: number;
}

/** A login and its user's access state, as the access decision needs them (one read). */
export interface AccessState {
  login?: LoginRecord;
  account: AccountState;
}

export interface RefreshState extends AccessState {
  record?: RefreshRecord;
}

export interface SessionStore {
  startFamily(login: LoginStart, tokens: IssuedTokens): Promise<void>;
  findRefresh(refreshHash: string): Promise<RefreshRecord | undefined>;
  /** The login `familyId` and the access state of `userId`, strongly consistent. */
  accessState(familyId: string, userId: string): Promise<AccessState>;
  /** The same, with the record of the refresh token `refreshHash`, in one read. */
  refreshState(refreshHash: string, familyId: string, userId: string): Promise<RefreshState>;
  /**
   * Marks the old refresh token (as `refreshState` or `findRefresh` read it) used and records the new one, atomically; false if it
   * was used or expired meanwhile, or the family was revoked.
   */
  rotate(
    oldRefreshHash: string,
    old: Pick<RefreshRecord, 'familyId' | 'userId'>,
    tokens: IssuedTokens,
    usedAt: number,
  ): Promise<boolean>;
  /** Ends a login: its refresh token and every access token it issued stop working at once. */
  revokeFamily(familyId: string): Promise<void>;
  /** Every stored login of a user (live or not), newest first. */
  loginsOf(userId: string): Promise<LoginSummary[]>;
  /** What is counted against an opaque key (per email and source, or per login); a success clears it. */
  loginAttempts(key: string): Promise<LoginAttempts>;
  /**
   * Counts attempt `id` (started `at`) as running before its password is checked, so parallel guesses cannot
   * slip past the limit. Writes only if nothing changed since `seen` was read, keeping the failures `keep` and
   * the running attempts of `seen` but `drop`; false if something changed meanwhile.
   */
  reserveLoginAttempt(key: string, seen: LoginAttempts, attempt: LoginAttemptCount): Promise<boolean>;
  /** Attempt `id` failed at `at`: it stays counted, as a failure. Nothing to do when a success cleared the key. */
  settleLoginAttempt(key: string, id: string, at: number): Promise<void>;
  clearLoginFailures(key: string): Promise<void>;
}

/** Private signing keys, current first (Secrets Manager on AWS, a git-ignored file locally). */
export interface KeyStore {
  privateKeySet(): Promise<KeySet>;
}

export interface AuthPorts {
  users: UserRepository;
  sessions: SessionStore;
  verificationCodes: VerificationCodes;
  mailer: Mailer;
  keys: KeyStore;
  settings: TokenSettings;
  clock: Clock;
  newId: IdGenerator;
  passwordCost?: ScryptCost;
}
