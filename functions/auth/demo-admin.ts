/** The local demo admin of the original system: seeded by `npm start` (./seed.ts), used by the tests and the bench to sign in. Never deployed. */
export const DEMO_ADMIN = { email: 'testuser@test.com', password: 'password123' } as const;
