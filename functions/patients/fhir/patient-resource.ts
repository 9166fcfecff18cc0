/**
 * The mapping between a patient record and a FHIR R4 Patient (contract "v2 · FHIR R4"), both ways.
 * Reading refuses what the record cannot keep (other elements, extensions, choice types, a second name or
 * address) with a 400 naming the element, rather than dropping it; then the record's own rules (PatientInput)
 * decide, their errors named by the FHIR element they came from (422).
 */
import type { ContactPoint, Patient as FhirPatient } from '@medplum/fhirtypes';
import { PatientInput, type Patient } from '../schemas';
import { FhirError, invalid, type FhirIssue } from './outcome';

/** The record as a FHIR Patient: `meta.versionId` is its version, `meta.lastUpdated` its last write. */
export function toFhirPatient(p: Patient): FhirPatient {
  const telecom: ContactPoint[] = [{ system: 'email', value: p.email }];
  if (p.phoneNumber !== undefined) telecom.push({ system: 'phone', value: p.phoneNumber });
  return {
    resourceType: 'Patient',
    id: p.id,
    meta: { versionId: String(p.version), lastUpdated: p.updatedAt },
    name: [{ family: p.lastName, given: [p.firstName] }],
    telecom,
    ...(p.gender !== undefined ? { gender: p.gender } : {}),
    birthDate: p.dateOfBirth,
    address: [
      { line: [p.address.street], city: p.address.city, state: p.address.state, postalCode: p.address.zipCode },
    ],
  };
}

type Json = Record<string, unknown>;

/** Patient's elements this server keeps (or reads and ignores: meta, text, and `use`/`rank` below). */
const KEPT = new Set(['resourceType', 'id', 'meta', 'text', 'name', 'telecom', 'gender', 'birthDate', 'address']);
/** Patient's other R4 elements: valid FHIR, but a patient record has no place for them. */
const NOT_KEPT = new Set([
  'implicitRules',
  'language',
  'contained',
  'extension',
  'modifierExtension',
  'identifier',
  'active',
  'deceasedBoolean',
  'deceasedDateTime',
  'maritalStatus',
  'multipleBirthBoolean',
  'multipleBirthInteger',
  'photo',
  'contact',
  'communication',
  'generalPractitioner',
  'managingOrganization',
  'link',
]);

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Refuses every element of `value` but `allowed`, naming it (`_x` is x's primitive extension). */
function onlyElements(value: Json, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    if (key === 'extension' || key === 'modifierExtension' || key.startsWith('_')) {
      throw invalid(`Extensions are not supported (${key})`, `${path}.${key}`, 'not-supported');
    }
    throw invalid(`Element ${key} is not supported here`, `${path}.${key}`, 'not-supported');
  }
}

function object(value: unknown, path: string): Json {
  if (!isObject(value)) throw invalid('Must be a JSON object', path, 'structure');
  return value;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid('Must be a non-empty JSON array', path, 'structure');
  return value;
}

function string(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid('Must be a JSON string', path, 'structure');
  return value;
}

/** At most one element of a repeating element: this record keeps one name, one address. */
function single(value: unknown, path: string): Json | undefined {
  if (value === undefined) return undefined;
  const list = array(value, path);
  if (list.length > 1) throw invalid('Only one is supported', `${path}[1]`, 'not-supported');
  return object(list[0], `${path}[0]`);
}

/** Where each input field came from in the resource, to name it in an error. */
type Paths = Record<string, string>;

/** The patient input a Patient resource carries, with where each field came from. */
export interface PatientFromFhir {
  input: unknown;
  paths: Paths;
}

function checkTopLevel(resource: Json): void {
  if (resource.resourceType !== 'Patient') {
    throw invalid(
      `resourceType must be Patient, not ${JSON.stringify(resource.resourceType ?? null)}`.slice(0, 200),
      'Patient.resourceType',
    );
  }
  for (const key of Object.keys(resource)) {
    if (KEPT.has(key)) continue;
    if (NOT_KEPT.has(key) || key.startsWith('_')) {
      const what =
        key === 'extension' || key === 'modifierExtension' || key.startsWith('_')
          ? 'Extensions are'
          : `Patient.${key} is`;
      throw invalid(`${what} not supported by this server`, `Patient.${key}`, 'not-supported');
    }
    throw invalid(`Unknown element ${key.slice(0, 100)}`, `Patient.${key.slice(0, 100)}`, 'structure');
  }
  if (resource.meta !== undefined) object(resource.meta, 'Patient.meta');
  if (resource.text !== undefined) object(resource.text, 'Patient.text');
}

function readName(value: unknown, paths: Paths): { firstName?: string; lastName?: string } {
  const name = single(value, 'Patient.name');
  if (!name) return {};
  onlyElements(name, ['use', 'family', 'given'], 'Patient.name[0]');
  string(name.use, 'Patient.name[0].use');
  const given =
    name.given === undefined
      ? undefined
      : array(name.given, 'Patient.name[0].given')
          .map((g, i) => string(g, `Patient.name[0].given[${i}]`)!)
          .join(' ');
  paths.firstName = 'Patient.name[0].given';
  paths.lastName = 'Patient.name[0].family';
  return { firstName: given, lastName: string(name.family, 'Patient.name[0].family') };
}

function readTelecom(value: unknown, paths: Paths): { email?: string; phoneNumber?: string } {
  const found: { email?: string; phoneNumber?: string } = {};
  if (value === undefined) return found;
  array(value, 'Patient.telecom').forEach((item, i) => {
    const path = `Patient.telecom[${i}]`;
    const point = object(item, path) as ContactPoint & Json;
    onlyElements(point, ['system', 'value', 'use', 'rank'], path);
    string(point.use, `${path}.use`);
    const field = point.system === 'email' ? 'email' : point.system === 'phone' ? 'phoneNumber' : undefined;
    if (!field) throw invalid('Only system email and phone are supported', `${path}.system`, 'not-supported');
    if (found[field] !== undefined) throw invalid(`Only one ${point.system} is supported`, path, 'not-supported');
    found[field] = string(point.value, `${path}.value`) ?? '';
    paths[field] = `${path}.value`;
  });
  return found;
}

function readAddress(value: unknown, paths: Paths): Json | undefined {
  const address = single(value, 'Patient.address');
  if (!address) return undefined;
  onlyElements(address, ['use', 'line', 'city', 'state', 'postalCode'], 'Patient.address[0]');
  string(address.use, 'Patient.address[0].use');
  let street: string | undefined;
  if (address.line !== undefined) {
    const lines = array(address.line, 'Patient.address[0].line');
    if (lines.length > 1)
      throw invalid('Only one address line is supported', 'Patient.address[0].line[1]', 'not-supported');
    street = string(lines[0], 'Patient.address[0].line[0]');
  }
  Object.assign(paths, {
    address: 'Patient.address[0]',
    'address.street': 'Patient.address[0].line[0]',
    'address.city': 'Patient.address[0].city',
    'address.state': 'Patient.address[0].state',
    'address.zipCode': 'Patient.address[0].postalCode',
  });
  return {
    street,
    city: string(address.city, 'Patient.address[0].city'),
    state: string(address.state, 'Patient.address[0].state'),
    zipCode: string(address.postalCode, 'Patient.address[0].postalCode'),
  };
}

/** The fields of a Patient resource, read structurally (400 for anything the record cannot keep). */
export function readFhirPatient(body: unknown): PatientFromFhir {
  const resource = object(body, 'Patient');
  checkTopLevel(resource);
  const paths: Paths = {
    firstName: 'Patient.name',
    lastName: 'Patient.name',
    email: 'Patient.telecom',
    address: 'Patient.address',
  };
  const input = {
    ...readName(resource.name, paths),
    ...readTelecom(resource.telecom, paths),
    dateOfBirth: string(resource.birthDate, 'Patient.birthDate'),
    address: readAddress(resource.address, paths),
    gender: string(resource.gender, 'Patient.gender'),
  };
  paths.dateOfBirth = 'Patient.birthDate';
  paths.gender = 'Patient.gender';
  return { input: Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)), paths };
}

/** A Patient resource as the record's input: structure first (400), then the record's rules (422), each naming its element. */
export function fhirPatientInput(body: unknown): PatientInput {
  const { input, paths } = readFhirPatient(body);
  const result = PatientInput.safeParse(input);
  if (result.success) return result.data;
  const issues: FhirIssue[] = result.error.issues.map((issue) => {
    const field = issue.path.join('.');
    const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
    return {
      code: missing ? 'required' : 'value',
      diagnostics: missing ? 'Required' : issue.message,
      expression: paths[field] ?? paths[field.split('.')[0]!] ?? 'Patient',
    };
  });
  throw new FhirError(422, issues);
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((at, key) => (isObject(at) ? at[key as string] : undefined), value);
}
