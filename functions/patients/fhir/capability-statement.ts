/**
 * GET /fhir/R4/metadata: what this FHIR server does (served without a token by the platform function, so
 * this module imports nothing but types: it must not pull the patients function into that bundle).
 */
import type { CapabilityStatement } from '@medplum/fhirtypes';

/** The Patient search parameters: name, FHIR type, definition and what each does here (search-parameters.ts parses them). */
export const SEARCH_PARAMETERS = [
  {
    name: '_id',
    type: 'token',
    definition: 'http://hl7.org/fhir/SearchParameter/Resource-id',
    documentation: 'The patient id',
  },
  {
    name: 'name',
    type: 'string',
    definition: 'http://hl7.org/fhir/SearchParameter/Patient-name',
    documentation: 'Case-insensitive prefix of the given or family name',
  },
  {
    name: 'family',
    type: 'string',
    definition: 'http://hl7.org/fhir/SearchParameter/individual-family',
    documentation: 'Case-insensitive prefix of the family name',
  },
  {
    name: 'given',
    type: 'string',
    definition: 'http://hl7.org/fhir/SearchParameter/individual-given',
    documentation: 'Case-insensitive prefix of the given name',
  },
  {
    name: 'email',
    type: 'token',
    definition: 'http://hl7.org/fhir/SearchParameter/individual-email',
    documentation: 'The email address, exactly (case-insensitive)',
  },
  {
    name: 'birthdate',
    type: 'date',
    definition: 'http://hl7.org/fhir/SearchParameter/individual-birthdate',
    documentation: 'Date of birth (YYYY, YYYY-MM or YYYY-MM-DD) with prefix eq (default), lt, le, gt or ge',
  },
  {
    name: 'gender',
    type: 'token',
    definition: 'http://hl7.org/fhir/SearchParameter/individual-gender',
    documentation: 'male, female, other or unknown (several: comma-separated, any of them)',
  },
  {
    name: 'address-state',
    type: 'string',
    definition: 'http://hl7.org/fhir/SearchParameter/individual-address-state',
    documentation: 'The state of the address (case-insensitive, whole value)',
  },
] as const;

/** When this statement last changed (CapabilityStatement.date). */
const STATEMENT_DATE = '2026-12-02';

export function capabilityStatement(): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: STATEMENT_DATE,
    kind: 'instance',
    implementation: {
      description: 'Patient Management System: the patient records of /api/patients as FHIR R4 Patient resources',
    },
    fhirVersion: '4.0.1',
    format: ['json', 'application/fhir+json'],
    rest: [
      {
        mode: 'server',
        security: {
          cors: false,
          description: 'A Bearer access token from POST /api/auth/login; the same roles as /api/patients',
        },
        resource: [
          {
            type: 'Patient',
            versioning: 'versioned',
            readHistory: true,
            updateCreate: false,
            conditionalCreate: false,
            conditionalUpdate: false,
            conditionalDelete: 'not-supported',
            interaction: ['read', 'vread', 'search-type', 'create', 'update', 'delete', 'history-instance'].map(
              (code) => ({ code: code as 'read' }),
            ),
            searchParam: SEARCH_PARAMETERS.map((p) => ({ ...p })),
          },
        ],
      },
    ],
  };
}
