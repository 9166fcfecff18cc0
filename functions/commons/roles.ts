/** The roles a user can hold: the one list tokens, the authorizer's context, the schemas and the access rules share. Imports nothing (the authorizer bundles it). */
export const ROLES = ['admin', 'clinician', 'patient'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);
