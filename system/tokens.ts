/** The access tokens' issuer and audience (the functions' setting "jwt"): the same in every target. */
export const JWT_CLAIMS = { JWT_ISSUER: 'patient-management', JWT_AUDIENCE: 'patient-management-api' } as const;
