/**
 * The FHIR resources of the FHIR routes, for the OpenAPI document only: the binding definition of each is
 * the FHIR R4 specification (linked), which the tests validate every answer against; these outlines name
 * what this server puts in them.
 */
import * as z from '../../commons/zod';

const spec = (name: string) => `FHIR R4 ${name} (https://hl7.org/fhir/R4/${name.toLowerCase()}.html)`;

export const FhirPatient = z
  .looseObject({
    resourceType: z.literal('Patient'),
    id: z.optional(z.string()),
    meta: z.optional(z.looseObject({ versionId: z.string(), lastUpdated: z.string() })),
    name: z.array(z.looseObject({ family: z.string(), given: z.array(z.string()) })),
    telecom: z.array(z.looseObject({ system: z.enum(['email', 'phone']), value: z.string() })),
    gender: z.optional(z.enum(['male', 'female', 'other', 'unknown'])),
    birthDate: z.string(),
    address: z.array(
      z.looseObject({ line: z.array(z.string()), city: z.string(), state: z.string(), postalCode: z.string() }),
    ),
  })
  .check(
    z.meta({
      description:
        `${spec('Patient')}. name[0] = {family: lastName, given: [firstName]}; telecom: one email, at most one phone; ` +
        'address[0] = {line: [street], city, state, postalCode}; meta.versionId = version. Other elements, extensions and a second ' +
        'name or address → 400 naming the element; a value the record refuses → 422.',
    }),
  );

export const FhirBundle = z
  .looseObject({
    resourceType: z.literal('Bundle'),
    type: z.enum(['searchset', 'history']),
    total: z.optional(z.number().check(z.int())),
    link: z.optional(z.array(z.looseObject({ relation: z.string(), url: z.string() }))),
    entry: z.optional(z.array(z.looseObject({ fullUrl: z.string(), resource: FhirPatient }))),
  })
  .check(
    z.meta({
      description: `${spec('Bundle')}: searchset (link next while more matches remain) or history (every version, newest first).`,
    }),
  );

export const OperationOutcome = z
  .looseObject({
    resourceType: z.literal('OperationOutcome'),
    issue: z.array(
      z.looseObject({
        severity: z.literal('error'),
        code: z.string(),
        diagnostics: z.string(),
        expression: z
          .optional(z.array(z.string()))
          .check(z.meta({ description: 'The element the issue is about, e.g. Patient.birthDate' })),
      }),
    ),
  })
  .check(z.meta({ description: `${spec('OperationOutcome')}: every error of the FHIR routes` }));

export const CapabilityStatement = z
  .looseObject({
    resourceType: z.literal('CapabilityStatement'),
    fhirVersion: z.literal('4.0.1'),
    format: z.array(z.string()),
    rest: z.array(z.looseObject({ mode: z.literal('server') })),
  })
  .check(
    z.meta({
      description: `${spec('CapabilityStatement')}: the Patient interactions and search parameters this server supports`,
    }),
  );
