/**
 * FHIR Patient search (contract "v2 · FHIR R4"): the parameters, parsed into the criteria of findPatients.
 * Several parameters, and a parameter repeated, combine with AND; a comma (OR) only within `gender`.
 * Anything else (other parameters, modifiers, other date prefixes) → 400, so no client mistakes an
 * ignored filter for an answer.
 */
import type { DateComparator, DateCondition, PrefixMatch } from '../domain/criteria';
import { emailKey, stateKey } from '../domain/patient';
import { GENDERS, isCalendarDate } from '../schemas';
import { DEFAULT_LIMIT, MAX_LIMIT, type PatientSearch } from '../use-cases';
import { SEARCH_PARAMETERS } from './capability-statement';
import { FhirError, invalid } from './outcome';

/** Result parameters: page size, format, and the opaque position a `next` link carries. */
const RESULT_PARAMETERS = ['_count', '_format', '_cursor'] as const;
/** Given at most once: a record has one id, email, state, gender; a page one size. */
const ONCE = new Set(['_id', 'email', 'address-state', 'gender', ...RESULT_PARAMETERS]);
const KNOWN = new Set<string>([...SEARCH_PARAMETERS.map((p) => p.name), ...RESULT_PARAMETERS]);
const MAX_TEXT = 254;
const MAX_STATE = 50;
const FORMATS = new Set(['json', 'application/json', 'application/fhir+json']);

export type QueryValues = Record<string, string[] | undefined>;

/** `_format`, accepted on every FHIR route: JSON only (anything else → 406). */
export function checkFormat(query: QueryValues): void {
  const format = query._format;
  if (format === undefined) return;
  if (format.length > 1) throw invalid('_format may be given once');
  const value = format[0]!.trim().toLowerCase().split(';')[0]!.trim();
  if (!FORMATS.has(value))
    throw new FhirError(406, [{ code: 'not-supported', diagnostics: 'Only JSON is supported (_format=json)' }]);
}

function text(name: string, value: string, max = MAX_TEXT): string {
  if (value.includes(','))
    throw invalid(`${name}: several values (a comma, OR) are not supported`, undefined, 'not-supported');
  const trimmed = value.trim();
  if (trimmed.length > max) throw invalid(`${name} must be at most ${max} characters`);
  return trimmed;
}

const PERIOD = /^(eq|ne|lt|le|gt|ge|sa|eb|ap)?(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/** `birthdate=[prefix]YYYY[-MM[-DD]]`: the period the date names, and how the birth date compares with it. */
export function parseDateCondition(value: string): DateCondition {
  const match = PERIOD.exec(value.trim());
  if (!match)
    throw invalid(
      'birthdate must be a date (YYYY, YYYY-MM or YYYY-MM-DD) with an optional prefix eq, lt, le, gt or ge',
    );
  const [, prefix = 'eq', year, month, day] = match;
  if (!['eq', 'lt', 'le', 'gt', 'ge'].includes(prefix))
    throw invalid(`birthdate: the prefix ${prefix} is not supported`, undefined, 'not-supported');
  let from: string;
  let to: string;
  if (day !== undefined) {
    from = to = `${year}-${month}-${day}`;
  } else if (month !== undefined) {
    from = `${year}-${month}-01`;
    to = ['31', '30', '29', '28'].map((d) => `${year}-${month}-${d}`).find(isCalendarDate) ?? from;
  } else {
    from = `${year}-01-01`;
    to = `${year}-12-31`;
  }
  if (!isCalendarDate(from) || !isCalendarDate(to)) throw invalid('birthdate must be a real calendar date');
  return { comparator: prefix as DateComparator, from, to };
}

/**
 * The search a FHIR query asks for. `scope` binds a `next` link's cursor to these very criteria. Empty values
 * are ignored (FHIR); every value is checked before any read.
 */
export function parsePatientSearch(query: QueryValues): PatientSearch {
  const prefixes: PrefixMatch[] = [];
  const search: Omit<PatientSearch, 'scope'> = { limit: DEFAULT_LIMIT };
  const birthDate: DateCondition[] = [];
  for (const [rawName, rawValues] of Object.entries(query)) {
    const name = rawName.trim();
    if (name.includes(':'))
      throw invalid(`Search modifiers are not supported (${name.slice(0, 60)})`, undefined, 'not-supported');
    if (!KNOWN.has(name))
      throw invalid(`Unsupported search parameter ${name.slice(0, 60)}`, undefined, 'not-supported');
    const values = (rawValues ?? []).filter((v) => v.trim() !== '');
    if (values.length > 1 && ONCE.has(name)) throw invalid(`${name} may be given once`);
    for (const value of values) {
      switch (name) {
        case '_id':
          search.id = text(name, value, 64);
          break;
        case 'email':
          search.email = emailKey(text(name, value));
          break;
        case 'address-state':
          search.state = stateKey(text(name, value, MAX_STATE));
          break;
        case 'name':
          prefixes.push({ prefix: text(name, value).toLowerCase(), fields: ['first', 'last'] });
          break;
        case 'family':
          prefixes.push({ prefix: text(name, value).toLowerCase(), fields: ['last'] });
          break;
        case 'given':
          prefixes.push({ prefix: text(name, value).toLowerCase(), fields: ['first'] });
          break;
        case 'birthdate':
          birthDate.push(parseDateCondition(value));
          break;
        case 'gender':
          search.genders = value.split(',').map((g) => {
            const gender = GENDERS.find((known) => known === g.trim());
            if (!gender) throw invalid(`gender must be one of ${GENDERS.join(', ')}`);
            return gender;
          });
          break;
        case '_count':
          if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > MAX_LIMIT)
            throw invalid(`_count must be an integer from 1 to ${MAX_LIMIT}`);
          search.limit = Number(value);
          break;
        case '_cursor':
          search.cursor = value;
          break;
        default:
          break; // _format: checkFormat
      }
    }
  }
  if (prefixes.length > 0) search.prefixes = prefixes;
  if (birthDate.length > 0) search.birthDate = birthDate;
  const { limit: _limit, cursor: _cursor, ...criteria } = search;
  return { ...search, scope: JSON.stringify(['fhir-patients', criteria]) };
}
