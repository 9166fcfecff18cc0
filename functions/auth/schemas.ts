/**
 * The auth context's request and response schemas: what the handler validates with, and what the
 * OpenAPI registry (functions/platform/schemas.ts) publishes under these names.
 */
import * as z from '../commons/zod';
import { emailAddress } from '../commons/email';
import { ROLES } from '../commons/roles';
import { parseUserCursor } from './domain/user-cursor';

const Role = z.enum(ROLES);

/** Trimmed and lower-cased, so uniqueness ignores case and stray spaces. */
const Email = z
  .pipe(
    emailAddress(),
    z.transform((e: string) => e.toLowerCase()),
  )
  .check(z.meta({ format: 'email', description: 'Compared case-insensitively; stored trimmed and lower-cased' }));

const NewPassword = z
  .string()
  .check(z.minLength(8, 'Must be at least 8 characters'), z.maxLength(128, 'Must be at most 128 characters'));

export const SignupRequest = z
  .strictObject({
    email: Email,
    password: NewPassword,
    role: z.optional(Role),
  })
  .check(z.meta({ description: 'A new user; a role other than patient needs an admin token' }));

export const LoginRequest = z.strictObject({
  email: Email,
  // No minimum length here: a short wrong password is a wrong password (401), not a malformed request.
  password: z.string().check(z.minLength(1, 'Required'), z.maxLength(128, 'Must be at most 128 characters')),
});

export const PasswordChangeRequest = z
  .strictObject({
    currentPassword: z.string().check(z.minLength(1, 'Required'), z.maxLength(128, 'Must be at most 128 characters')),
    newPassword: NewPassword,
  })
  .check(z.meta({ description: "The signed-in user's current password and a new one (8-128 characters)" }));

export const VerifyEmailRequest = z
  .strictObject({
    email: Email,
    code: z
      .string()
      .check(
        z.minLength(1, 'Required'),
        z.maxLength(64, 'Must be at most 64 characters'),
        z.meta({ description: 'The one-time code mailed at signup' }),
      ),
  })
  .check(
    z.meta({
      description: 'Proves the caller owns the address: the code sent to it (15 minutes, one use, five wrong tries)',
    }),
  );

export const VerificationCodeRequest = z
  .strictObject({
    email: Email,
  })
  .check(
    z.meta({
      description: 'Mails a new verification code if the address belongs to an unverified user (at most five an hour)',
    }),
  );

export const RefreshRequest = z.strictObject({
  // Any string is a token to look up: one that is not ours (an access token, say) is a 401, not a 400.
  refreshToken: z.optional(z.string().check(z.minLength(1, 'Required'), z.maxLength(8192))).check(
    z.meta({
      description:
        "Absent: the refresh token of the web app's cookie (__Secure-pms-refresh), with the X-Requested-With header and a JSON body",
    }),
  ),
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
    lastLoginAt: z.nullable(z.iso.datetime()),
  })
  .check(z.meta({ description: 'A user as an admin manages it' }));

export const UserPage = z.object({
  users: z.array(ManagedUser),
  nextCursor: z
    .nullable(z.string())
    .check(z.meta({ description: 'Pass as cursor for the next page; null on the last page' })),
});

export const UserPatch = z
  .strictObject({
    role: z.optional(Role),
    status: z.optional(UserStatus),
  })
  .check(
    z.meta({
      description:
        'A role or status change; either ends every login of the user at once (a disabled user cannot log in)',
    }),
  );

export const UserQuery = z.object({
  role: z.optional(Role),
  status: z.optional(UserStatus),
  limit: z._default(
    z.coerce
      .number<string>()
      .check(z.int('Must be a whole number'), z.minimum(1, 'Must be 1-100'), z.maximum(100, 'Must be 1-100')),
    20,
  ),
  cursor: z.pipe(
    z.optional(z.string()),
    z.transform((cursor: string | undefined, ctx) => {
      if (cursor === undefined) return undefined;
      const after = parseUserCursor(cursor);
      if (!after) ctx.issues.push({ code: 'custom', message: 'Not a cursor this API issued', input: cursor });
      return after;
    }),
  ),
});

export const Session = z.object({
  id: z.uuid(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime(),
  userAgent: z.nullable(z.string()),
  current: z.boolean().check(z.meta({ description: 'The login of the token presented' })),
});

export const SessionList = z.object({ sessions: z.array(Session) });

export const TokenPair = z.object({
  accessToken: z.string(),
  token: z.string().check(z.meta({ description: 'Same as accessToken, for clients of the original API' })),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().check(z.int(), z.meta({ description: 'Seconds until the access token expires (900)' })),
});

export const TokenInfo = z.object({
  userId: z.uuid(),
  email: z.string(),
  role: Role,
  expiresAt: z.iso.datetime(),
});

export const Jwks = z.object({
  keys: z.array(z.looseObject({ kty: z.string(), kid: z.string(), alg: z.string(), use: z.optional(z.string()) })),
});

export type SignupRequest = z.infer<typeof SignupRequest>;
export type LoginRequest = z.infer<typeof LoginRequest>;
export type PasswordChangeRequest = z.infer<typeof PasswordChangeRequest>;
