/**
 * The auth context's request and response schemas: what the handler validates with, and what the
 * OpenAPI registry (functions/platform/schemas.ts) publishes under these names.
 */
import { z } from 'zod';
import { emailAddress } from '../commons/email';
import { ROLES } from '../commons/roles';
import { parseUserCursor } from './domain/user-cursor';

const Role = z.enum(ROLES);

/** Trimmed and lower-cased, so uniqueness ignores case and stray spaces. */
const Email = emailAddress()
  .transform((e) => e.toLowerCase())
  .meta({ format: 'email', description: 'Compared case-insensitively; stored trimmed and lower-cased' });

const NewPassword = z.string().min(8, 'Must be at least 8 characters').max(128, 'Must be at most 128 characters');

export const SignupRequest = z
  .strictObject({
    email: Email,
    password: NewPassword,
    role: Role.optional(),
  })
  .meta({ description: 'A new user; a role other than patient needs an admin token' });

export const LoginRequest = z.strictObject({
  email: Email,
  // No minimum length here: a short wrong password is a wrong password (401), not a malformed request.
  password: z.string().min(1, 'Required').max(128, 'Must be at most 128 characters'),
});

export const PasswordChangeRequest = z
  .strictObject({
    currentPassword: z.string().min(1, 'Required').max(128, 'Must be at most 128 characters'),
    newPassword: NewPassword,
  })
  .meta({ description: "The signed-in user's current password and a new one (8-128 characters)" });

export const VerifyEmailRequest = z
  .strictObject({
    email: Email,
    code: z
      .string()
      .min(1, 'Required')
      .max(64, 'Must be at most 64 characters')
      .meta({ description: 'The one-time code mailed at signup' }),
  })
  .meta({
    description: 'Proves the caller owns the address: the code sent to it (15 minutes, one use, five wrong tries)',
  });

export const VerificationCodeRequest = z
  .strictObject({
    email: Email,
  })
  .meta({
    description: 'Mails a new verification code if the address belongs to an unverified user (at most five an hour)',
  });

export const RefreshRequest = z.strictObject({
  // Any string is a token to look up: one that is not ours (an access token, say) is a 401, not a 400.
  refreshToken: z.string().min(1, 'Required').max(8192).optional().meta({
    description:
      "Absent: the refresh token of the web app's cookie (__Secure-pms-refresh), with the X-Requested-With header and a JSON body",
  }),
});

export const User = z.object({
  id: z.uuid(),
  email: z.string(),
  role: Role,
  createdAt: z.iso.datetime(),
});

const UserStatus = z.enum(['active', 'disabled']);

export const ManagedUser = z
  .object({
    id: z.uuid(),
    email: z.string(),
    role: Role,
    status: UserStatus,
    createdAt: z.iso.datetime(),
    lastLoginAt: z.iso.datetime().nullable(),
  })
  .meta({ description: 'A user as an admin manages it' });

export const UserPage = z.object({
  users: z.array(ManagedUser),
  nextCursor: z.string().nullable().meta({ description: 'Pass as cursor for the next page; null on the last page' }),
});

export const UserPatch = z
  .strictObject({
    role: Role.optional(),
    status: UserStatus.optional(),
  })
  .meta({
    description: 'A role or status change; either ends every login of the user at once (a disabled user cannot log in)',
  });

export const UserQuery = z.object({
  role: Role.optional(),
  status: UserStatus.optional(),
  limit: z.coerce
    .number<string>()
    .int('Must be a whole number')
    .min(1, 'Must be 1-100')
    .max(100, 'Must be 1-100')
    .default(20),
  cursor: z
    .string()
    .optional()
    .transform((cursor, ctx) => {
      if (cursor === undefined) return undefined;
      const after = parseUserCursor(cursor);
      if (!after) ctx.addIssue({ code: 'custom', message: 'Not a cursor this API issued' });
      return after;
    }),
});

export const Session = z.object({
  id: z.uuid(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime(),
  userAgent: z.string().nullable(),
  current: z.boolean().meta({ description: 'The login of the token presented' }),
});

export const SessionList = z.object({ sessions: z.array(Session) });

export const TokenPair = z.object({
  accessToken: z.string(),
  token: z.string().meta({ description: 'Same as accessToken, for clients of the original API' }),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().meta({ description: 'Seconds until the access token expires (900)' }),
});

export const TokenInfo = z.object({
  userId: z.uuid(),
  email: z.string(),
  role: Role,
  expiresAt: z.iso.datetime(),
});

export const Jwks = z.object({
  keys: z.array(z.object({ kty: z.string(), kid: z.string(), alg: z.string(), use: z.string().optional() }).loose()),
});

export type SignupRequest = z.infer<typeof SignupRequest>;
export type LoginRequest = z.infer<typeof LoginRequest>;
export type PasswordChangeRequest = z.infer<typeof PasswordChangeRequest>;
